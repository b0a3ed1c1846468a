"""Followup's HTTP API for peers: record an attempt to reach the person, read an episode's follow-up plan."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import ClosureReason, FollowupChannel
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict

from continuum_followup.handlers import (
    CheckinAlreadyCompleted,
    CheckinNotFound,
    checkins_of,
    plan_for,
    record_attempt,
)
from continuum_followup.store import Checkin

router = APIRouter(prefix="/v1", tags=["followup"])


class AttemptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reached: bool
    channel: FollowupChannel = FollowupChannel.PHONE


class CheckinOut(BaseModel):
    followup_id: UUID
    episode_id: UUID
    sequence: int
    due_at: datetime
    channel: FollowupChannel
    assigned_peer: str
    status: str
    attempts: int
    completed_at: datetime | None


class AttemptOut(BaseModel):
    attempt_id: UUID
    followup_id: UUID
    reached: bool
    channel: FollowupChannel
    attempted_at: datetime
    checkin: CheckinOut
    plan_status: str


class PlanOut(BaseModel):
    episode_id: UUID
    plan_status: str
    closure_reason: ClosureReason | None
    checkins: list[CheckinOut]


def _checkin_out(checkin: Checkin) -> CheckinOut:
    return CheckinOut.model_validate(checkin, from_attributes=True)


@router.post("/followups/{followup_id}/attempts", status_code=status.HTTP_201_CREATED, response_model=AttemptOut)
def post_attempt(followup_id: UUID, body: AttemptIn, uow: UnitOfWorkDep) -> AttemptOut:
    try:
        recorded = record_attempt(uow, followup_id, body.reached, body.channel)
    except CheckinNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"follow-up {followup_id} not found") from None
    except CheckinAlreadyCompleted as done:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail={"message": "the check-in is already completed", "current_status": done.current_status},
        ) from None
    uow.commit()
    attempt = recorded.attempt
    return AttemptOut(
        attempt_id=attempt.attempt_id,
        followup_id=followup_id,
        reached=attempt.reached,
        channel=attempt.channel,
        attempted_at=attempt.attempted_at,
        checkin=_checkin_out(recorded.checkin),
        plan_status=recorded.plan.status,
    )


@router.get("/followups/{followup_id}", response_model=CheckinOut)
def get_followup(followup_id: UUID, session: SessionDep) -> CheckinOut:
    checkin = session.get(Checkin, followup_id)
    if checkin is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"follow-up {followup_id} not found")
    return _checkin_out(checkin)


@router.get("/episodes/{episode_id}/followups", response_model=PlanOut)
def get_episode_followups(episode_id: UUID, session: SessionDep) -> PlanOut:
    plan = plan_for(session, episode_id)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no follow-up plan for episode {episode_id}")
    return PlanOut(
        episode_id=episode_id,
        plan_status=plan.status,
        closure_reason=plan.closure_reason,
        checkins=[_checkin_out(c) for c in checkins_of(session, plan.plan_id)],
    )
