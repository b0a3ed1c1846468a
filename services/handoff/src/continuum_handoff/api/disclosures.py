"""Disclosure routes: the addressed partner of a live handoff or referral asks intake for the person's record."""

from collections.abc import Callable
from typing import Any

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from continuum_handoff.api.deps import SettingsDep
from continuum_handoff.api.parties import AddressedHandoff, AddressedReferral
from continuum_handoff.config import HandoffSettings
from continuum_handoff.intake_client import DisclosuresOff, IntakeUnavailable, ask_intake
from continuum_handoff.relationships import Relationship, RelationshipEnded, for_handoff, for_referral
from continuum_handoff.store import Handoff, Referral

router = APIRouter()


class DisclosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: list[DataCategory] = Field(min_length=1, description="the categories of the record the partner needs")
    purpose: DisclosurePurpose


def _disclose(
    what: str,
    task: Handoff | Referral,
    relate: Callable[[Any, str], Relationship],
    body: DisclosureIn,
    settings: HandoffSettings,
) -> JSONResponse:
    try:
        relationship = relate(task, task.to_party)  # the guard has checked the caller is the addressee
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


DISCLOSED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "intake's release of the covered categories, with the consents' scope and its DS4P security "
        "labels (security), relayed as intake gave them; no-store"
    },
    403: {"description": "not the addressee (addressed_to given), or intake's refusal naming the missing consent"},
    409: {"description": "the handoff or referral has ended; nothing is disclosed (current_status given)"},
}


@router.post(
    "/handoffs/{handoff_id}/disclosure",
    summary="The addressed partner asks for the person's record, released by intake only as the person consented",
    responses=DISCLOSED,
)
def post_handoff_disclosure(handoff: AddressedHandoff, body: DisclosureIn, settings: SettingsDep) -> JSONResponse:
    return _disclose(f"handoff {handoff.handoff_id}", handoff, for_handoff, body, settings)


@router.post(
    "/referrals/{referral_id}/disclosure",
    summary="The referred-to partner asks for the person's record, released by intake only as the person consented",
    responses=DISCLOSED,
)
def post_referral_disclosure(referral: AddressedReferral, body: DisclosureIn, settings: SettingsDep) -> JSONResponse:
    return _disclose(f"referral {referral.referral_id}", referral, for_referral, body, settings)
