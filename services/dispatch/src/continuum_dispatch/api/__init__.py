"""Dispatch's HTTP API: the mobile-team app, partners on scene, the roster and places for operators, and reports."""

from fastapi import APIRouter

from continuum_dispatch.api import places, reports, responses, roster, safety

router = APIRouter(prefix="/v1")
for part in (responses, safety, roster, places, reports):
    router.include_router(part.router)
