"""Handoff's composition root: the only place that builds handoff's parts."""

from continuum_kit.clock import Clock
from continuum_kit.fhir import FHIR_TAG
from continuum_kit.partners import partner_admin_router
from continuum_kit.service import Runtime
from fastapi import FastAPI

from continuum_handoff import api
from continuum_handoff.config import HandoffSettings
from continuum_handoff.handlers import build_handlers
from continuum_handoff.timers import build_sweeps


def create_app(settings: HandoffSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or HandoffSettings()
    runtime = Runtime(
        settings,
        handlers=build_handlers(settings),
        migrations_package="continuum_handoff",
        clock=clock,
        sweeps=build_sweeps(settings),
    )
    app = runtime.create_app(
        title="Continuum handoff: warm handoffs and referrals", routers=[api.router, partner_admin_router()]
    )
    app.openapi_tags = [FHIR_TAG]  # what /fhir answers outside its operations
    return app
