"""Intake's composition root: the only place that builds intake's parts."""

from continuum_kit.clock import Clock
from continuum_kit.service import Runtime
from fastapi import FastAPI

from continuum_intake import api
from continuum_intake.config import IntakeSettings
from continuum_intake.handlers import HANDLERS


def create_app(settings: IntakeSettings | None = None, clock: Clock | None = None) -> FastAPI:
    runtime = Runtime(
        settings or IntakeSettings(), handlers=HANDLERS, migrations_package="continuum_intake", clock=clock
    )
    return runtime.create_app(title="Continuum intake: someone to contact", routers=[api.router])
