"""Handoff's HTTP API: receiving partners move a handoff, report a referral's result and ask for a disclosure;
a supervisor resolves an escalated referral and reads the queue of escalations; county IT exports HMIS CSV."""

from fastapi import APIRouter

from continuum_handoff.api import (
    disclosures,
    handoffs,
    hmis_export,
    referral_resolution,
    referrals,
    supervisor_queue,
)

router = APIRouter(prefix="/v1", tags=["handoff"])
for part in (handoffs, referrals, referral_resolution, supervisor_queue, disclosures, hmis_export):
    router.include_router(part.router)
