"""Handoff's HTTP API for receiving partners: move a handoff, report a referral's result, read both."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, NoReturn
from uuid import UUID

from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import col, select

from continuum_handoff.domain import DeclineReason, NotAddressed, ReferralResult, StatusConflict
from continuum_handoff.handoffs import (
    HandoffNotFound,
    accept_handoff,
    complete_handoff,
    decline_handoff,
    receive_handoff,
    start_handoff,
)
from continuum_handoff.referrals import ReferralNotFound, record_result
from continuum_handoff.store import Handoff, Referral

router = APIRouter(prefix="/v1", tags=["handoff"])
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]


class PartnerIn(BaseModel):
    # The acting partner names itself in the body for now; real partner authentication (a credential per
    # partner system, checked before the body is read) comes later and will replace this identification.
    model_config = ConfigDict(extra="forbid")
    partner_id: Code = Field(description="the acting partner system's registered id")


class DeclineIn(PartnerIn):
    reason: DeclineReason = Field(description="why the partner declines, as a code")


class ResultIn(PartnerIn):
    result: ReferralResult = Field(description="the HMIS 4.20 referral result")
    result_date: AwareDatetime = Field(description="when the result was reached (HMIS 4.20 date of result)")


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
    updated_at: datetime


class ReferralOut(BaseModel):
    referral_id: UUID
    episode_id: UUID
    kind: ReferralKind
    to_party: str
    status: TaskStatus
    sent_at: datetime
    hmis_event: str | None
    living_situation: str | None
    result: str | None
    result_date: datetime | None
    reminders_sent: int


def _handoff_out(handoff: Handoff) -> HandoffOut:
    return HandoffOut.model_validate(handoff, from_attributes=True)


def _referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut.model_validate(referral, from_attributes=True)


def _refuse(what: str, partner_id: str, refused: NotAddressed) -> NoReturn:
    message = f"{what} is addressed to {refused.to_party}, not {partner_id}"
    detail = {"message": message, "addressed_to": refused.to_party}
    raise HTTPException(status.HTTP_403_FORBIDDEN, detail=detail) from None


def _conflict(conflict: StatusConflict) -> NoReturn:
    detail: dict[str, Any] = {"message": conflict.message, "current_status": conflict.current_status}
    raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None


Move = Callable[[UnitOfWork, UUID, str], Handoff]


def _move(uow: UnitOfWork, handoff_id: UUID, partner_id: str, move: Move) -> HandoffOut:
    try:
        handoff = move(uow, handoff_id, partner_id)
    except HandoffNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"handoff {handoff_id} not found") from None
    except NotAddressed as refused:
        _refuse(f"handoff {handoff_id}", partner_id, refused)
    except StatusConflict as conflict:
        _conflict(conflict)
    uow.commit()
    return _handoff_out(handoff)


@router.post("/handoffs/{handoff_id}/receive", response_model=HandoffOut)
def post_receive(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, receive_handoff)


@router.post("/handoffs/{handoff_id}/accept", response_model=HandoffOut)
def post_accept(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, accept_handoff)


@router.post("/handoffs/{handoff_id}/start", response_model=HandoffOut)
def post_start(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, start_handoff)


@router.post("/handoffs/{handoff_id}/complete", response_model=HandoffOut)
def post_complete(handoff_id: UUID, body: PartnerIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, complete_handoff)


@router.post("/handoffs/{handoff_id}/decline", response_model=HandoffOut)
def post_decline(handoff_id: UUID, body: DeclineIn, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, body.partner_id, partial(decline_handoff, reason=body.reason))


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


@router.post("/referrals/{referral_id}/result", response_model=ReferralOut)
def post_referral_result(referral_id: UUID, body: ResultIn, uow: UnitOfWorkDep) -> ReferralOut:
    try:
        referral = record_result(uow, referral_id, body.partner_id, body.result, body.result_date)
    except ReferralNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found") from None
    except NotAddressed as refused:
        _refuse(f"referral {referral_id}", body.partner_id, refused)
    except StatusConflict as conflict:
        _conflict(conflict)
    uow.commit()
    return _referral_out(referral)


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, session: SessionDep) -> list[ReferralOut]:
    query = select(Referral).where(Referral.episode_id == episode_id).order_by(col(Referral.sent_at))
    return [_referral_out(referral) for referral in session.exec(query).all()]
