"""Handoff's settings: the shared service settings with handoff's name, port and housing partner."""

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import ServiceSettings
from pydantic import Field


class HandoffSettings(ServiceSettings):
    service_name: str = "handoff"
    http_port: int = 8003
    housing_partner_id: str = Field(
        default="coordinated-entry",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the partner id of the county's housing coordinated-entry system",
    )
