"""Dispatch's HTTP API: the mobile-team app, the roster and places for operators, and the county's reports."""

from fastapi import APIRouter

from continuum_dispatch.api import places, reports, responses, roster

router = APIRouter(prefix="/v1")
for part in (responses, roster, places, reports):
    router.include_router(part.router)
