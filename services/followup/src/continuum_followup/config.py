"""Followup's settings: the shared service settings with followup's name, port, check-in schedules, peers and limits."""

from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import ServiceSettings
from pydantic import Field, StringConstraints

Hours = Annotated[float, Field(gt=0)]
Program = Annotated[str, StringConstraints(max_length=64, pattern=CODE_PATTERN)]


class FollowupSettings(ServiceSettings):
    service_name: str = "followup"
    http_port: int = 8004
    checkin_hours: list[Hours] = Field(
        default=[24, 72], min_length=1, description="hours after the trigger at which a peer checks in (any program)"
    )
    program_checkin_hours: dict[Program, Annotated[list[Hours], Field(min_length=1)]] = Field(
        default={"pre-arrest-diversion": [48]},
        description="per-program check-in hours (pre-arrest diversion checks in at 48 h); others use checkin_hours",
    )
    family_checkin_hours: Hours = Field(default=24, description="hours after consent at which a peer calls the family")
    checkin_grace_hours: Hours = Field(
        default=12, description="hours after a check-in falls due with no attempt before it is escalated as overdue"
    )
    max_attempts: int = Field(default=3, ge=3, le=5, description="failed attempts before a check-in is unreachable")
    quiet_period_days: float = Field(default=30, gt=0, description="silence after the last due check-in that closes")
    peer_pool_id: str = Field(
        default="peer-followup-team",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the peer team that check-ins are assigned to",
    )
    followup_partners: list[Program] = Field(
        default=[],
        description="partner ids that may record a decline or a family contact for any episode, beside its peer team",
    )
