"""Routes for a referral's partner: report the HMIS 4.20 result, and read a referral or an episode's referrals."""

from uuid import UUID

from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from continuum_handoff.api.deps import CONFLICT, conflict
from continuum_handoff.api.parties import AddressedReferral, EpisodeReferrals, ReadableReferral
from continuum_handoff.api.referral_views import ReferralOut, referral_out
from continuum_handoff.domain import ReferralResult, StatusConflict
from continuum_handoff.partner_referrals import ReferralNotFound, record_result

router = APIRouter()


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: ReferralResult = Field(description="the HMIS 4.20 referral result")
    result_date: AwareDatetime = Field(description="when the result was reached (HMIS 4.20 date of result)")


@router.post("/referrals/{referral_id}/result", response_model=ReferralOut, responses={409: CONFLICT})
def post_referral_result(referral: AddressedReferral, body: ResultIn, uow: UnitOfWorkDep) -> ReferralOut:
    referral_id = referral.referral_id
    try:
        referral = record_result(uow, referral_id, referral.to_party, body.result, body.result_date)
    except ReferralNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found") from None
    except StatusConflict as status_conflict:
        conflict(status_conflict)
    uow.commit()
    return referral_out(referral)


@router.get("/referrals/{referral_id}", response_model=ReferralOut)
def get_referral(referral: ReadableReferral) -> ReferralOut:
    return referral_out(referral)


@router.get("/episodes/{episode_id}/referrals", response_model=list[ReferralOut])
def get_episode_referrals(episode_id: UUID, referrals: EpisodeReferrals) -> list[ReferralOut]:
    """The episode's referrals the caller may read, oldest first (county IT: all, possibly none)."""
    return [referral_out(referral) for referral in referrals]
