"""Followup's composition root: the only place that builds followup's parts."""

from continuum_kit.clock import Clock
from continuum_kit.partners import partner_admin_router
from continuum_kit.service import Runtime
from fastapi import FastAPI

from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_followup.timers import build_sweeps


def create_app(settings: FollowupSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or FollowupSettings()
    runtime = Runtime(
        settings,
        handlers=build_handlers(settings),
        migrations_package="continuum_followup",
        clock=clock,
        sweeps=build_sweeps(settings),
    )
    return runtime.create_app(
        title="Continuum followup: post-crisis follow-along", routers=[api.router, partner_admin_router()]
    )
