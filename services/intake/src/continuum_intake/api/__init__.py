"""Intake's HTTP API: partners' contacts (typed and CloudEvents), crisis plans, consents and disclosures, the
county's admin and review queue, and the episode view."""

from fastapi import APIRouter

from continuum_intake.api import admin, cloudevents, consents, contacts, crisis_plans, episodes, reviews

router = APIRouter()
for part in (contacts, cloudevents, crisis_plans, consents, admin, reviews, episodes):
    router.include_router(part.router)
