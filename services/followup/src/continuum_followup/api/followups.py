"""Routes for one check-in: a peer records an attempt to reach the person, or reads the check-in."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.events import CodeStr
from continuum_contracts.vocabulary import FollowupChannel, Need, SafetyFlag
from continuum_kit.idempotency import REPLAYED, IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict

from continuum_followup.api.access import AssignedPeerDep, CheckinReader
from continuum_followup.api.deps import CheckinOut, SettingsDep, checkin_out
from continuum_followup.attempts import CheckinAlreadyCompleted, CheckinNotFound, Finding, NotAssigned, record_attempt
from continuum_followup.store import Checkin

router = APIRouter()


class AttemptIn(BaseModel):
    """What the peer found, as codes only: never notes or names."""

    model_config = ConfigDict(extra="forbid")
    reached: bool
    channel: FollowupChannel = FollowupChannel.PHONE
    wellbeing: CodeStr | None = None
    new_needs: list[Need] = []
    renewed_risk: bool = False
    safety_flags: list[SafetyFlag] = []


class AttemptOut(BaseModel):
    attempt_id: UUID
    followup_id: UUID
    reached: bool
    channel: FollowupChannel
    attempted_at: datetime
    checkin: CheckinOut
    plan_status: str


@router.post(
    "/followups/{followup_id}/attempts",
    status_code=status.HTTP_201_CREATED,
    response_model=AttemptOut,
    responses={
        **REPLAYED,
        401: {"description": "not a registered partner"},
        403: {"description": "the check-in is assigned to another peer team"},
        404: {"description": "no such check-in"},
        409: {"description": "the check-in is completed or cancelled: its current status"},
    },
    summary="Record an attempt to reach the person (a retry with the same Idempotency-Key gets the first answer)",
)
def post_attempt(
    followup_id: UUID,
    body: AttemptIn,
    peer: AssignedPeerDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> AttemptOut:
    def record() -> AttemptOut:
        try:
            recorded = record_attempt(uow, followup_id, Finding(**body.model_dump()), settings, peer)
        except CheckinNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"follow-up {followup_id} not found") from None
        except NotAssigned as refused:
            message = f"follow-up {followup_id} is assigned to {refused.assigned_peer}, not {peer}"
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail={"message": message, "assigned_to": refused.assigned_peer}
            ) from None
        except CheckinAlreadyCompleted as done:
            detail = {
                "message": f"the check-in is already {done.current_status}",
                "current_status": done.current_status,
            }
            raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
        attempt = recorded.attempt
        return AttemptOut(
            attempt_id=attempt.attempt_id,
            followup_id=followup_id,
            reached=attempt.reached,
            channel=attempt.channel,
            attempted_at=attempt.attempted_at,
            checkin=checkin_out(recorded.checkin),
            plan_status=recorded.plan.status,
        )

    keys = request_keys(peer, f"POST /v1/followups/{followup_id}/attempts", body, idempotency_key)
    return answer_once(uow, keys, response, record, status_code=status.HTTP_201_CREATED)


@router.get(
    "/followups/{followup_id}",
    response_model=CheckinOut,
    dependencies=[CheckinReader],
    summary="Read a check-in (county IT, its peer team, or a partner registered for follow-up)",
)
def get_followup(followup_id: UUID, session: SessionDep) -> CheckinOut:
    checkin = session.get(Checkin, followup_id)
    if checkin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"follow-up {followup_id} not found")
    return checkin_out(checkin)
