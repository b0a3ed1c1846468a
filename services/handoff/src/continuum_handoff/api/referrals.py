"""Routes for a referral's partner: report the HMIS 4.20 result, and read an episode's referrals."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from continuum_kit.partners import PartnerDep
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import col, select

from continuum_handoff.api.deps import conflict, refuse
from continuum_handoff.domain import NotAddressed, ReferralResult, StatusConflict
from continuum_handoff.partner_referrals import ReferralNotFound, record_result
from continuum_handoff.store import Referral

router = APIRouter()


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: ReferralResult = Field(description="the HMIS 4.20 referral result")
    result_date: AwareDatetime = Field(description="when the result was reached (HMIS 4.20 date of result)")


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


def _referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut.model_validate(referral, from_attributes=True)


@router.post("/referrals/{referral_id}/result", response_model=ReferralOut)
def post_referral_result(referral_id: UUID, body: ResultIn, partner_id: PartnerDep, uow: UnitOfWorkDep) -> ReferralOut:
    try:
        referral = record_result(uow, referral_id, partner_id, body.result, body.result_date)
    except ReferralNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found") from None
    except NotAddressed as refused:
        refuse(f"referral {referral_id}", partner_id, refused)
    except StatusConflict as status_conflict:
        conflict(status_conflict)
    uow.commit()
    return _referral_out(referral)


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, session: SessionDep) -> list[ReferralOut]:
    query = select(Referral).where(Referral.episode_id == episode_id).order_by(col(Referral.sent_at))
    return [_referral_out(referral) for referral in session.exec(query).all()]
