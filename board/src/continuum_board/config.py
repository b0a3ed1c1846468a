"""The board's settings: the shared service settings with the board's name, port, sessions and KPI choices."""

from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import AccountSecret, ServiceSettings
from pydantic import Field, StringConstraints

Code = Annotated[str, StringConstraints(max_length=64, pattern=CODE_PATTERN)]

# The same defaults as dispatch's and intake's (tests/test_county_defaults.py holds them equal), so that
# one county environment gives the board and the services the same answer.
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


class BoardSettings(ServiceSettings):
    service_name: str = "board"
    http_port: int = 8005
    session_hours: float = Field(default=12, gt=0, le=24 * 7, description="how long a sign-in lasts")
    session_cookie_secure: bool = Field(
        default=True,
        description="send the session cookie over HTTPS only (browsers also accept it on localhost); "
        "false is refused outside development",
    )
    board_refresh_seconds: float = Field(
        default=0.5, gt=0, le=30, description="how often the live stream checks the read model for new events"
    )
    metric_export_seconds: float = Field(default=60, gt=0, description="how often KPIs are exported over OTLP")
    deflection_eligible_call_types: list[Code] = Field(
        default=DEFAULT_DEFLECTION_CALL_TYPES,
        description="911 call types and 311 codes a crisis team can answer: the deflection rate's denominator",
    )
    demographic_fields: list[Code] = Field(
        default=DEFAULT_DEMOGRAPHIC_FIELDS,
        description="the demographic codes (from triage) that KPIs are broken down by; never PHI",
    )
    dispatch_url: str | None = Field(
        default=None,
        description="dispatch's base URL, e.g. http://dispatch:8002: the board reads its roster of teams and places "
        "(GET /v1/responders, /v1/places) for bed capacity and teams offline; unset, only events fill the board",
    )
    dispatch_partner_id: str = Field(
        default="board", description="the board's partner account at dispatch, registered there by county IT"
    )
    dispatch_secret: AccountSecret = Field(
        default=None,
        description="that account's secret: dispatch's roster is read only by a registered partner (or county IT); "
        "unset, dispatch refuses the board's reads and the board keeps the last roster it has",
    )
    roster_poll_seconds: float = Field(default=15, gt=0, le=3600, description="how often dispatch's roster is read")
    place_capacity: dict[Code, Annotated[int, Field(ge=0)]] = Field(
        default={},
        description="beds per place id when dispatch's roster does not say; events carry holds, not capacity",
    )

    def default_secrets(self) -> list[str]:
        # A session cookie sent over plain HTTP gives away the operator's sign-in to anyone on the way.
        problems = super().default_secrets()
        if not self.session_cookie_secure:
            problems.append(
                "CONTINUUM_SESSION_COOKIE_SECURE is false: operators' sessions would travel over plain HTTP; "
                "serve the board over HTTPS and leave it true"
            )
        return problems
