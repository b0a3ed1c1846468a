"""Dispatch's settings: the county's response areas, targets, team timing, deflection codes and admin token."""

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import ServiceSettings
from pydantic import Field, StringConstraints, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]
AreaKind = Literal["urban", "rural"]

# The 911 call types and 311 service codes a crisis team can answer instead of police (NASMHPD no. 7:
# "analysis of 911 calls to determine appropriate call types for deflection"). Dispatch owns this policy;
# the board's default names the same list, so that one county environment gives both the same answer.
DEFAULT_DEFLECTION_CALL_TYPES = [
    "WELFARE_CHECK",
    "MENTAL_HEALTH",
    "SUICIDE_THREAT",
    "DISTURBANCE",
    "INTOXICATED_PERSON",
    "TRESPASS",
    "HOMELESS_CONCERN",
    "NOISE",
]
DEFAULT_DEMOGRAPHIC_FIELDS = ["age_band", "gender", "race_ethnicity", "veteran_status", "language"]
DEFAULT_AREAS: dict[str, AreaKind] = {"central": "urban", "outer": "rural"}


class DispatchSettings(ServiceSettings):
    # A bad secret must not be echoed back in the startup error.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    service_name: str = "dispatch"
    http_port: int = 8002
    eta_base_minutes: int = Field(default=10, ge=0, description="a free team's time to get going, before travel")
    eta_per_active_minutes: int = Field(default=15, ge=0, description="added per response a busy team has queued")
    travel_speed_kmh: float = Field(default=50.0, gt=0, description="average road speed of a team")
    peer_preference_extra_minutes: int = Field(
        default=10, ge=0, description="how much later a team with a peer may arrive and still be preferred"
    )
    acknowledge_timeout_seconds: int = Field(default=180, ge=1, description="a team silent this long is replaced")
    progress_timeout_seconds: int = Field(
        default=600,
        ge=1,
        description="an acknowledged team not en route this long after (or en route and not on scene this long "
        "after its ETA) is replaced",
    )
    response_target_minutes: dict[AreaKind, int] = Field(
        default={"urban": 60, "rural": 120}, description="on scene within this long after assignment"
    )
    areas: dict[Code, AreaKind] = Field(
        default=DEFAULT_AREAS, description="the county's response areas and their kind; others count as rural"
    )
    timezone: str = Field(default="UTC", description="the zone the teams' duty hours are written in")
    deflection_eligible_call_types: list[Code] = Field(default=DEFAULT_DEFLECTION_CALL_TYPES)
    demographic_fields: list[Code] = Field(
        default=DEFAULT_DEMOGRAPHIC_FIELDS, description="the demographic codes kept for deflection reports"
    )
    reservation_hold_minutes: float = Field(default=120, gt=0, description="how long a reserved bed is held")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {name!r} is not an IANA time zone") from None
        return name

    @model_validator(mode="after")
    def _every_area_kind_has_a_target(self) -> "DispatchSettings":
        missing = ({"rural"} | set(self.areas.values())) - set(self.response_target_minutes)
        if missing:
            raise ValueError(f"response_target_minutes has no target for {sorted(missing)}")
        return self
