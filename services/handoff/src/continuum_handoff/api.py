"""Handoff's HTTP API for receiving partners: accept and complete a handoff, read handoffs and referrals."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID

from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import col, select

from continuum_handoff.domain import NotAddressed, StatusConflict
from continuum_handoff.handlers import HandoffNotFound, accept_handoff, complete_handoff
from continuum_handoff.store import Handoff, Referral

router = APIRouter(prefix="/v1", tags=["handoff"])
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_id: Code = Field(description="the acting partner system's registered id")


class HandoffOut(BaseModel):
    handoff_id: UUID
    episode_id: UUID
    from_party: str
    to_party: str
    warm: bool
    status: TaskStatus
    requested_at: datetime
    accepted_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime


class ReferralOut(BaseModel):
    referral_id: UUID
    episode_id: UUID
    kind: ReferralKind
    to_party: str
    status: TaskStatus
    sent_at: datetime


def _handoff_out(handoff: Handoff) -> HandoffOut:
    return HandoffOut.model_validate(handoff, from_attributes=True)


Move = Callable[[UnitOfWork, UUID, str], Handoff]


def _move(uow: UnitOfWork, handoff_id: UUID, partner_id: str, move: Move) -> HandoffOut:
    try:
        handoff = move(uow, handoff_id, partner_id)
    except HandoffNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"handoff {handoff_id} not found") from None
    except NotAddressed as refused:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail={
                "message": f"handoff {handoff_id} is addressed to {refused.to_party}, not {partner_id}",
                "addressed_to": refused.to_party,
            },
        ) from None
    except StatusConflict as conflict:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail={"message": conflict.message, "current_status": conflict.current_status}
        ) from None
    uow.commit()
    return _handoff_out(handoff)


@router.post("/handoffs/{handoff_id}/accept", response_model=HandoffOut)
def post_accept(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, accept_handoff)


@router.post("/handoffs/{handoff_id}/complete", response_model=HandoffOut)
def post_complete(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, complete_handoff)


@router.get("/handoffs/{handoff_id}", response_model=HandoffOut)
def get_handoff(handoff_id: UUID, session: SessionDep) -> HandoffOut:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"handoff {handoff_id} not found")
    return _handoff_out(handoff)


@router.get("/episodes/{episode_id}/handoffs", response_model=list[HandoffOut])
def get_episode_handoffs(episode_id: UUID, session: SessionDep) -> list[HandoffOut]:
    query = select(Handoff).where(Handoff.episode_id == episode_id).order_by(col(Handoff.requested_at))
    return [_handoff_out(handoff) for handoff in session.exec(query).all()]


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, session: SessionDep) -> list[ReferralOut]:
    query = select(Referral).where(Referral.episode_id == episode_id).order_by(col(Referral.sent_at))
    return [ReferralOut.model_validate(referral, from_attributes=True) for referral in session.exec(query).all()]
