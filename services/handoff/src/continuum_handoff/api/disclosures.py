"""Disclosure routes: the addressed partner of a live handoff or referral asks intake for the person's record."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose
from continuum_kit.partners import PartnerDep
from continuum_kit.service import SessionDep
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from continuum_handoff.api.deps import SettingsDep, refuse
from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import NotAddressed
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
    partner_id: str,
    body: DisclosureIn,
    settings: HandoffSettings,
) -> JSONResponse:
    try:
        relationship = relate(task, partner_id)
    except NotAddressed as refused:
        refuse(what, partner_id, refused)
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
