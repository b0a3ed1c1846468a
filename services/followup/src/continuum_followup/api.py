"""Followup's HTTP API for peers: record attempts, add family support, record a refusal, read a plan."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from continuum_contracts.events import CodeStr
from continuum_contracts.vocabulary import ClosureReason, FollowupChannel, Need, SafetyFlag
from continuum_kit.partners import PartnerDep
from continuum_kit.service import SessionDep, UnitOfWorkDep, settings_of
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict

from continuum_followup.attempts import CheckinAlreadyCompleted, CheckinNotFound, Finding, NotAssigned, record_attempt
from continuum_followup.config import FollowupSettings
from continuum_followup.plans import PlanClosed, PlanNotFound, add_family_contact, checkins_of, decline, plan_for
from continuum_followup.store import Checkin, Plan

router = APIRouter(prefix="/v1", tags=["followup"])


SettingsDep = Annotated[FollowupSettings, Depends(settings_of(FollowupSettings))]


class AttemptIn(BaseModel):
    """What the peer found, as codes only: never notes or names."""

    model_config = ConfigDict(extra="forbid")
    reached: bool
    channel: FollowupChannel = FollowupChannel.PHONE
    wellbeing: CodeStr | None = None
    new_needs: list[Need] = []
    renewed_risk: bool = False
    safety_flags: list[SafetyFlag] = []


class FamilyContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    consented: Literal[True]
    relationship: CodeStr


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckinOut(BaseModel):
    followup_id: UUID
    episode_id: UUID
    sequence: int
    due_at: datetime
    channel: FollowupChannel
    assigned_peer: str
    recipient: str
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


def _plan_out(session, plan: Plan) -> PlanOut:
    return PlanOut(
        episode_id=plan.episode_id,
        plan_status=plan.status,
        closure_reason=plan.closure_reason,
        checkins=[_checkin_out(c) for c in checkins_of(session, plan.plan_id)],
    )


@router.post("/followups/{followup_id}/attempts", status_code=status.HTTP_201_CREATED, response_model=AttemptOut)
def post_attempt(
    followup_id: UUID, body: AttemptIn, peer: PartnerDep, uow: UnitOfWorkDep, settings: SettingsDep
) -> AttemptOut:
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
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail={"message": f"the check-in is already {done.current_status}", "current_status": done.current_status},
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


@router.post("/episodes/{episode_id}/family-contacts", status_code=status.HTTP_201_CREATED, response_model=CheckinOut)
def post_family_contact(
    episode_id: UUID, body: FamilyContactIn, peer: PartnerDep, uow: UnitOfWorkDep, settings: SettingsDep
) -> CheckinOut:
    try:
        checkin = add_family_contact(uow, episode_id, body.relationship, settings)
    except PlanNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no follow-up plan for episode {episode_id}") from None
    except PlanClosed as closed:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail={"message": "the follow-up plan is closed", "closure_reason": closed.closure_reason},
        ) from None
    uow.commit()
    return _checkin_out(checkin)


@router.post("/episodes/{episode_id}/decline", response_model=PlanOut)
def post_decline(episode_id: UUID, body: DeclineIn, peer: PartnerDep, uow: UnitOfWorkDep) -> PlanOut:
    plan = decline(uow, episode_id)
    uow.commit()
    return _plan_out(uow.session, plan)


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
    return _plan_out(session, plan)
