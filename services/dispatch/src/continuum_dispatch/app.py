"""Dispatch's composition root: the only place that builds dispatch's parts."""

from continuum_kit import openapi_answers
from continuum_kit.clock import Clock
from continuum_kit.partners import partner_admin_router
from continuum_kit.service import Runtime
from fastapi import FastAPI

from continuum_dispatch import api
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.deflection import FIXED_GROUPS
from continuum_dispatch.handlers import build_handlers
from continuum_dispatch.timers import build_sweeps


def create_app(settings: DispatchSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DispatchSettings()
    runtime = Runtime(
        settings,
        handlers=build_handlers(settings),
        migrations_package="continuum_dispatch",
        clock=clock,
        sweeps=build_sweeps(settings),
    )
    app = runtime.create_app(
        title="Continuum dispatch: someone to respond, a safe place to go", routers=[api.router, partner_admin_router()]
    )
    # The report's groups are the county's: its demographic fields beside the fixed ones.
    openapi_answers.amend(app, openapi_answers.query_values("by", [*FIXED_GROUPS, *settings.demographic_fields]))
    return app
