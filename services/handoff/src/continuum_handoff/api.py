"""Handoff's HTTP API for receiving partners: move a handoff, report a referral's result, read both."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, NoReturn
from uuid import UUID

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, ReferralKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from continuum_kit.partners import PartnerDep
from continuum_kit.service import SessionDep, UnitOfWorkDep, settings_of
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import col, select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.disclosures import (
    DisclosuresOff,
    IntakeUnavailable,
    Relationship,
    RelationshipEnded,
    ask_intake,
    for_handoff,
    for_referral,
)
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


SettingsDep = Annotated[HandoffSettings, Depends(settings_of(HandoffSettings))]


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: DeclineReason = Field(description="why the partner declines, as a code")


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: ReferralResult = Field(description="the HMIS 4.20 referral result")
    result_date: AwareDatetime = Field(description="when the result was reached (HMIS 4.20 date of result)")


class DisclosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: list[DataCategory] = Field(min_length=1, description="the categories of the record the partner needs")
    purpose: DisclosurePurpose


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
def post_receive(handoff_id: UUID, partner_id: PartnerDep, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, partner_id, receive_handoff)


@router.post("/handoffs/{handoff_id}/accept", response_model=HandoffOut)
def post_accept(handoff_id: UUID, partner_id: PartnerDep, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, partner_id, accept_handoff)


@router.post("/handoffs/{handoff_id}/start", response_model=HandoffOut)
def post_start(handoff_id: UUID, partner_id: PartnerDep, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, partner_id, start_handoff)


@router.post("/handoffs/{handoff_id}/complete", response_model=HandoffOut)
def post_complete(handoff_id: UUID, partner_id: PartnerDep, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, partner_id, complete_handoff)


@router.post("/handoffs/{handoff_id}/decline", response_model=HandoffOut)
def post_decline(handoff_id: UUID, body: DeclineIn, partner_id: PartnerDep, uow: UnitOfWorkDep) -> HandoffOut:
    return _move(uow, handoff_id, partner_id, partial(decline_handoff, reason=body.reason))


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
def post_referral_result(referral_id: UUID, body: ResultIn, partner_id: PartnerDep, uow: UnitOfWorkDep) -> ReferralOut:
    try:
        referral = record_result(uow, referral_id, partner_id, body.result, body.result_date)
    except ReferralNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found") from None
    except NotAddressed as refused:
        _refuse(f"referral {referral_id}", partner_id, refused)
    except StatusConflict as conflict:
        _conflict(conflict)
    uow.commit()
    return _referral_out(referral)


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, session: SessionDep) -> list[ReferralOut]:
    query = select(Referral).where(Referral.episode_id == episode_id).order_by(col(Referral.sent_at))
    return [_referral_out(referral) for referral in session.exec(query).all()]


def _disclose(
    what: str,
    task: Handoff | Referral,
    relate: Callable[[Any, str], Relationship],
    partner_id: str,
    body: DisclosureIn,
    settings: HandoffSettings,
) -> JSONResponse:
    try:
        relationship = relate(task, partner_id)
    except NotAddressed as refused:
        _refuse(what, partner_id, refused)
    except RelationshipEnded as ended:
        detail = {"message": f"{what} is {ended.status}; nothing is disclosed", "current_status": ended.status}
        raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
    try:
        answer = ask_intake(settings, relationship, body.categories, body.purpose)
    except DisclosuresOff:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail="disclosures are off: set CONTINUUM_INTAKE_SECRET"
        ) from None
    except IntakeUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="intake is unavailable; try again") from None
    # Intake's answer (the released record, or its refusal naming the missing consent) goes to the partner
    # as it is; "no-store" because it may hold PHI.
    return JSONResponse(answer.body, status_code=answer.status_code, headers={"Cache-Control": "no-store"})


@router.post(
    "/handoffs/{handoff_id}/disclosure",
    summary="The addressed partner asks for the person's record, released by intake only as the person consented",
)
def post_handoff_disclosure(
    handoff_id: UUID, body: DisclosureIn, partner_id: PartnerDep, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"handoff {handoff_id} not found")
    session.close()  # nothing more to read; don't hold a connection during intake's answer
    return _disclose(f"handoff {handoff_id}", handoff, for_handoff, partner_id, body, settings)


@router.post(
    "/referrals/{referral_id}/disclosure",
    summary="The referred-to partner asks for the person's record, released by intake only as the person consented",
)
def post_referral_disclosure(
    referral_id: UUID, body: DisclosureIn, partner_id: PartnerDep, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found")
    session.close()
    return _disclose(f"referral {referral_id}", referral, for_referral, partner_id, body, settings)
