"""Followup's settings: the shared service settings with followup's name, port, check-in schedule and peer pool."""

from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import ServiceSettings
from pydantic import Field


class FollowupSettings(ServiceSettings):
    service_name: str = "followup"
    http_port: int = 8004
    checkin_hours: list[Annotated[int, Field(gt=0)]] = Field(
        default=[24, 72], min_length=1, description="hours after resolution at which a peer checks in"
    )
    peer_pool_id: str = Field(
        default="peer-followup-team",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the peer team that check-ins are assigned to",
    )
