"""Intake's HTTP API: partners' contacts (typed and CloudEvents), crisis plans, consents and disclosures, the
county's admin and review queue, the episode view, and Open311 discovery of the 311 services taken; consents as
FHIR R4 Consents under /fhir (``continuum_intake.fhir_api``)."""

from fastapi import APIRouter

from continuum_intake import fhir_api
from continuum_intake.api import admin, cloudevents, consents, contacts, crisis_plans, episodes, open311, reviews

router = APIRouter()
for part in (contacts, cloudevents, crisis_plans, consents, admin, reviews, episodes, open311):
    router.include_router(part.router)
router.include_router(fhir_api.router)
