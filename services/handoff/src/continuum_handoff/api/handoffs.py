"""Routes for a warm handoff's addressed partner: receive, accept, start, complete or decline it, and read it."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from uuid import UUID

from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from continuum_handoff.api.deps import CONFLICT, SettingsDep, conflict
from continuum_handoff.api.parties import AddressedHandoff, EpisodeHandoffs, ReadableHandoff
from continuum_handoff.domain import DeclineReason, StatusConflict
from continuum_handoff.store import Handoff
from continuum_handoff.warm_handoffs import (
    HandoffNotFound,
    accept_handoff,
    complete_handoff,
    decline_handoff,
    receive_handoff,
    start_handoff,
)

router = APIRouter()


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: DeclineReason = Field(description="why the partner declines, as a code")


class HandoffOut(BaseModel):
    handoff_id: UUID
    episode_id: UUID
    from_party: str
    to_party: str
    warm: bool
    kind: str | None
    status: TaskStatus
    requested_at: datetime
    accept_by: datetime | None
    received_at: datetime | None
    accepted_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    declined_at: datetime | None
    decline_reason: str | None
    escalated_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    complete_by: datetime | None
    stalled_at: datetime | None
    updated_at: datetime


def _handoff_out(handoff: Handoff) -> HandoffOut:
    return HandoffOut.model_validate(handoff, from_attributes=True)


Move = Callable[[UnitOfWork, UUID, str], Handoff]


def _move(uow: UnitOfWork, addressed: Handoff, move: Move) -> HandoffOut:
    # The guard has found the handoff and its addressee; the move reads it again, locked, to change it.
    handoff_id = addressed.handoff_id
    try:
        handoff = move(uow, handoff_id, addressed.to_party)
    except HandoffNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"handoff {handoff_id} not found") from None
    except StatusConflict as status_conflict:
        conflict(status_conflict)
    uow.commit()
    return _handoff_out(handoff)


MOVED = {409: CONFLICT}


@router.post("/handoffs/{handoff_id}/receive", response_model=HandoffOut, responses=MOVED)
def post_receive(handoff: AddressedHandoff, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff, receive_handoff)


@router.post("/handoffs/{handoff_id}/accept", response_model=HandoffOut, responses=MOVED)
def post_accept(handoff: AddressedHandoff, uow: UnitOfWorkDep, settings: SettingsDep) -> HandoffOut:
    return _move(uow, handoff, partial(accept_handoff, settings=settings))


@router.post("/handoffs/{handoff_id}/start", response_model=HandoffOut, responses=MOVED)
def post_start(handoff: AddressedHandoff, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff, start_handoff)


@router.post("/handoffs/{handoff_id}/complete", response_model=HandoffOut, responses=MOVED)
def post_complete(handoff: AddressedHandoff, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff, complete_handoff)


@router.post("/handoffs/{handoff_id}/decline", response_model=HandoffOut, responses=MOVED)
def post_decline(handoff: AddressedHandoff, body: DeclineIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff, partial(decline_handoff, reason=body.reason))


@router.get("/handoffs/{handoff_id}", response_model=HandoffOut)
def get_handoff(handoff: ReadableHandoff) -> HandoffOut:
    return _handoff_out(handoff)


@router.get("/episodes/{episode_id}/handoffs", response_model=list[HandoffOut])
def get_episode_handoffs(episode_id: UUID, handoffs: EpisodeHandoffs) -> list[HandoffOut]:
    """The episode's handoffs the caller may read, oldest first (county IT: all, possibly none)."""
    return [_handoff_out(handoff) for handoff in handoffs]
