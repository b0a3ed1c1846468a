"""Routes for a referral's partner: report the HMIS 4.20 result, and read a referral or an episode's referrals."""

from uuid import UUID

from continuum_kit.partners import PartnerDep
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import col, select

from continuum_handoff.api.deps import conflict, refuse
from continuum_handoff.api.referral_views import ReferralOut, referral_out
from continuum_handoff.domain import NotAddressed, ReferralResult, StatusConflict
from continuum_handoff.partner_referrals import ReferralNotFound, record_result
from continuum_handoff.store import Referral

router = APIRouter()


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: ReferralResult = Field(description="the HMIS 4.20 referral result")
    result_date: AwareDatetime = Field(description="when the result was reached (HMIS 4.20 date of result)")


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
    return referral_out(referral)


@router.get(
    "/referrals/{referral_id}", response_model=ReferralOut, responses={404: {"description": "no such referral"}}
)
def get_referral(referral_id: UUID, session: SessionDep) -> ReferralOut:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found")
    return referral_out(referral)


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, session: SessionDep) -> list[ReferralOut]:
    query = select(Referral).where(Referral.episode_id == episode_id).order_by(col(Referral.sent_at))
    return [referral_out(referral) for referral in session.exec(query).all()]
