"""Intake's composition root: the only place that builds intake's parts."""

import logging

from continuum_kit.clock import Clock
from continuum_kit.fhir import FHIR_TAG
from continuum_kit.service import Runtime
from fastapi import FastAPI

from continuum_intake import api
from continuum_intake.api import county_codes, open311
from continuum_intake.config import IntakeSettings
from continuum_intake.handlers import build_handlers
from continuum_intake.parts import build_parts

log = logging.getLogger(__name__)


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    _warn_of_development_secrets(settings)
    parts = build_parts(settings)  # before anything else: a bad rules file or key stops the service here
    runtime = Runtime(settings, handlers=build_handlers(parts), migrations_package="continuum_intake", clock=clock)
    app = runtime.create_app(title="Continuum intake: someone to contact", routers=[api.router])
    app.state.intake_parts = parts
    app.openapi_tags = [FHIR_TAG]  # what /fhir answers outside its operations
    county_codes.install(app, settings)
    open311.install(app)
    return app


def _warn_of_development_secrets(settings: IntakeSettings) -> None:
    for name in settings.development_secrets():
        # Says which setting, never its value.
        log.warning(
            "intake: %s is the built-in DEVELOPMENT value, which is public: NOT FOR PRODUCTION. "
            "Set CONTINUUM_%s before any real person's details are taken.",
            name,
            name.upper(),
        )
