"""Dispatch's settings: the shared service settings with dispatch's name, port and response timing."""

from continuum_kit.settings import ServiceSettings
from pydantic import Field


class DispatchSettings(ServiceSettings):
    service_name: str = "dispatch"
    http_port: int = 8002
    eta_base_minutes: int = Field(default=20, ge=0, description="ETA of a responder with nothing else on")
    eta_per_active_minutes: int = Field(default=15, ge=0, description="added per response already active")
    reservation_hold_minutes: int = Field(default=120, ge=1, description="how long a reserved bed is held")
