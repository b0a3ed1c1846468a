"""Followup's HTTP API for peers: record attempts, add family support, record a refusal, read a plan."""

from fastapi import APIRouter

from continuum_followup.api import episodes, followups

router = APIRouter(prefix="/v1", tags=["followup"])
for part in (followups, episodes):
    router.include_router(part.router)
