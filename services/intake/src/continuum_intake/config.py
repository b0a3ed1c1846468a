"""Intake's settings: the shared service settings with intake's name and port."""

from continuum_kit.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    http_port: int = 8001
