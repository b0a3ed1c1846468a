"""Handoff's HTTP API: receiving partners move a handoff, report a referral's result and ask for a disclosure;
a supervisor resolves an escalated referral and reads the queue of escalations; county IT exports HMIS CSV. The
same handoffs and referrals are FHIR Tasks under /fhir (``continuum_handoff.fhir_api``)."""

from fastapi import APIRouter

from continuum_handoff import fhir_api
from continuum_handoff.api import (
    disclosures,
    handoffs,
    hmis_export,
    referral_resolution,
    referrals,
    supervisor_queue,
)

v1 = APIRouter(prefix="/v1", tags=["handoff"])
for part in (handoffs, referrals, referral_resolution, supervisor_queue, disclosures, hmis_export):
    v1.include_router(part.router)
router = APIRouter()
router.include_router(v1)
router.include_router(fhir_api.router)
