"""The supervisor's routes for an escalated referral (county IT's admin token): reassign it to another partner,
close it, or keep it open until a review."""

from typing import Annotated, Any, Literal, NoReturn
from uuid import UUID

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.partners import AdminOnly, PartnerId
from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from continuum_handoff.api.deps import SettingsDep, conflict
from continuum_handoff.api.referral_views import ReferralOut, referral_out
from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import StatusConflict
from continuum_handoff.partner_referrals import ReferralNotFound
from continuum_handoff.referral_resolution import resolve_referral
from continuum_handoff.resolution_rules import Decision, Resolution, SamePartner

router = APIRouter(tags=["supervisor"])
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=CODE_PATTERN)]
BY = "the supervisor (a pseudonymous id or role); the county's supervisor role when absent"


class Reassign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["reassign"]
    to_party: PartnerId = Field(description="the partner the referral goes to instead")
    by: Code | None = Field(default=None, description=BY)


class Close(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["close"]
    reason: Code = Field(description="why it is closed, as a code")
    by: Code | None = Field(default=None, description=BY)


class KeepOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["keep_open"]
    reason: Code = Field(description="why it stays open, as a code")
    review_at: AwareDatetime = Field(description="when a supervisor looks again, if the partner is still silent")
    by: Code | None = Field(default=None, description=BY)


ResolutionIn = Annotated[Reassign | Close | KeepOpen, Field(discriminator="action")]
RESOLUTION_FOR = {"reassign": Resolution.REASSIGNED, "close": Resolution.CLOSED, "keep_open": Resolution.KEPT_OPEN}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "resolved; a repeat, or a referral already closed, answers its current state unchanged"},
    401: {"description": "missing or wrong admin token"},
    404: {"description": "no such referral"},
    409: {"description": "the referral has a result already, or has not escalated; with its current status"},
    422: {"description": "bad input, naming the field (e.g. reassigning to its own partner names to_party)"},
    503: {"description": "the admin API is disabled (no CONTINUUM_ADMIN_TOKEN)"},
}


def _invalid(field: str, message: str) -> NoReturn:
    detail = [{"loc": ["body", field], "msg": message, "type": "value_error"}]
    raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail) from None


def _decision(body: Reassign | Close | KeepOpen, settings: HandoffSettings) -> Decision:
    by = body.by or settings.referral_owner_after_closure
    resolution = RESOLUTION_FOR[body.action]
    if isinstance(body, Reassign):
        return Decision(resolution, by, to_party=body.to_party)
    return Decision(resolution, by, reason=body.reason, review_at=getattr(body, "review_at", None))


@router.post(
    "/referrals/{referral_id}/resolution", response_model=ReferralOut, dependencies=[AdminOnly], responses=RESPONSES
)
def post_resolution(referral_id: UUID, body: ResolutionIn, uow: UnitOfWorkDep, settings: SettingsDep) -> ReferralOut:
    if isinstance(body, KeepOpen) and body.review_at <= uow.clock.now():
        _invalid("review_at", "the review must be in the future")
    try:
        referral = resolve_referral(uow, referral_id, _decision(body, settings), settings)
    except ReferralNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"referral {referral_id} not found") from None
    except StatusConflict as status_conflict:
        conflict(status_conflict)
    except SamePartner as same:
        _invalid("to_party", f"the referral is already addressed to {same.to_party}")
    uow.commit()
    return referral_out(referral)
