"""Routes for an episode's plan: add a consenting family member, record the person's refusal, read the plan."""

from typing import Literal
from uuid import UUID

from continuum_contracts.events import CodeStr
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.idempotency import REPLAYED, IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field

from continuum_followup.api.access import PlansReader, PlansSpeakerDep
from continuum_followup.api.deps import CheckinOut, SettingsDep, checkin_out
from continuum_followup.closure import EpisodeUnknown, decline
from continuum_followup.live_handoffs import open_handoffs
from continuum_followup.live_responses import awaited, live_count
from continuum_followup.plans import PlanClosed, PlanNotFound, add_family_contact, checkins_of, plan_for
from continuum_followup.store import Plan

router = APIRouter()


class FamilyContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    consented: Literal[True]
    relationship: CodeStr


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanOut(BaseModel):
    """The plan as a peer sees it: its status (open, suspended while the person's new response is live, or
    closed), the check-ins of its current round (a person who came back starts a new round), and those of
    the rounds before it, as they ended."""

    episode_id: UUID
    plan_status: str
    closure_reason: ClosureReason | None
    round: int
    live_responses: int
    response_awaited: bool = Field(
        default=False,
        description="triage asked dispatch for a response not yet assigned (or no team could take it, and a "
        "supervisor has not yet resolved that): the closure waits for it as for a live one",
    )
    open_handoffs: int = Field(
        default=0,
        description="warm handoffs requested and not yet completed, declined or cancelled (and beds reserved whose "
        "handoff is still to be requested): the closure waits for them too",
    )
    closure_waiting: ClosureReason | None = None  # a closure deferred until nothing is live, awaited or open
    checkins: list[CheckinOut]
    earlier_checkins: list[CheckinOut] = Field(default=[], description="the check-ins of the rounds before this one")


def _plan_out(session, plan: Plan) -> PlanOut:
    every = checkins_of(session, plan.plan_id)
    return PlanOut(
        episode_id=plan.episode_id,
        plan_status=plan.status,
        closure_reason=plan.closure_reason,
        round=plan.round,
        live_responses=live_count(session, plan.episode_id),
        response_awaited=awaited(session, plan.episode_id),
        open_handoffs=open_handoffs(session, plan.episode_id),
        closure_waiting=plan.close_pending,
        checkins=[checkin_out(c) for c in every if c.round == plan.round],
        earlier_checkins=[checkin_out(c) for c in every if c.round != plan.round],
    )


UNKNOWN = {404: {"description": "followup knows no such episode (or it has no plan); nothing was recorded"}}
NOT_ITS_PEER = {
    403: {
        "description": "the caller is neither the episode's peer team nor registered for its follow-up; nothing changed"
    }
}


@router.post(
    "/episodes/{episode_id}/family-contacts",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckinOut,
    responses={
        **REPLAYED,
        **UNKNOWN,
        **NOT_ITS_PEER,
        401: {"description": "not a registered partner"},
        409: {"description": "closed"},
    },
    summary="Add a consenting family member's check-in (a retry with the same Idempotency-Key gets the first answer)",
)
def post_family_contact(
    episode_id: UUID,
    body: FamilyContactIn,
    peer: PlansSpeakerDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CheckinOut:

    def add() -> CheckinOut:
        try:
            checkin = add_family_contact(uow, episode_id, body.relationship, settings)
        except PlanNotFound:
            detail = f"no follow-up plan for episode {episode_id}"
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=detail) from None
        except PlanClosed as closed:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                detail={"message": "the follow-up plan is closed", "closure_reason": closed.closure_reason},
            ) from None
        return checkin_out(checkin)

    keys = request_keys(peer, f"POST /v1/episodes/{episode_id}/family-contacts", body, idempotency_key)
    return answer_once(uow, keys, response, add, status_code=status.HTTP_201_CREATED)


@router.post(
    "/episodes/{episode_id}/decline",
    response_model=PlanOut,
    responses={**UNKNOWN, **NOT_ITS_PEER, 401: {"description": "not a registered partner"}},
    summary="Record the person's refusal of further contact: the episode closes at once (a repeat changes nothing)",
)
def post_decline(episode_id: UUID, body: DeclineIn, peer: PlansSpeakerDep, uow: UnitOfWorkDep) -> PlanOut:
    try:
        plan = decline(uow, episode_id)
    except EpisodeUnknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no episode {episode_id} known to followup") from None
    uow.commit()
    return _plan_out(uow.session, plan)


@router.get(
    "/episodes/{episode_id}/followups",
    response_model=PlanOut,
    responses=UNKNOWN,
    dependencies=[PlansReader],
    summary="Read the episode's follow-up plan (county IT, its peer team, or a partner registered for follow-up)",
)
def get_episode_followups(episode_id: UUID, session: SessionDep) -> PlanOut:
    plan = plan_for(session, episode_id)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no follow-up plan for episode {episode_id}")
    return _plan_out(session, plan)
