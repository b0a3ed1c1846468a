"""Handoff's HTTP API for receiving partners: move a handoff, report a referral's result, ask for a disclosure."""

from fastapi import APIRouter

from continuum_handoff.api import disclosures, handoffs, referrals

router = APIRouter(prefix="/v1", tags=["handoff"])
for part in (handoffs, referrals, disclosures):
    router.include_router(part.router)
