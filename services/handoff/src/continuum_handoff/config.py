"""Handoff's settings: the shared service settings with handoff's name, port, partners, timers and HMIS export."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import AccountSecret, ServiceSettings
from pydantic import Field, PositiveFloat, SecretStr, field_validator


class HandoffSettings(ServiceSettings):
    service_name: str = "handoff"
    http_port: int = 8003
    housing_partner_id: str = Field(
        default="coordinated-entry",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the partner id of the county's housing coordinated-entry system",
    )
    care_navigation_partner_id: str = Field(
        default="care-navigation",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the partner that receives pre-arrest diversion handoffs from police in the field",
    )
    accept_within_minutes: float = Field(
        default=30, gt=0, description="a warm handoff not accepted this many minutes after the request escalates"
    )
    complete_within_minutes: float = Field(
        default=120,
        gt=0,
        description="an accepted warm handoff not completed this many minutes after its acceptance escalates",
    )
    referral_reminder_hours: list[PositiveFloat] = Field(
        default=[24, 72], description="hours after a referral is sent at which its partner is reminded, each once"
    )
    referral_escalate_after_hours: float = Field(
        default=24,
        gt=0,
        description="a referral still unanswered this many hours after its last reminder escalates to a supervisor",
    )
    referral_review_after_hours: float = Field(
        default=72,
        gt=0,
        description="when a supervisor keeps a referral open from the board (which names no review time), "
        "it is reviewed again this many hours later",
    )
    referral_owner_after_closure: str = Field(
        default="county-care-coordination",
        max_length=64,
        pattern=CODE_PATTERN,
        description="the county's supervisor role: it owns an escalated, unresolved referral when its episode closes",
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8001", description="intake's base URL, for disclosures under the person's consent"
    )
    intake_partner_id: str = Field(
        default="handoff", max_length=64, pattern=CODE_PATTERN, description="handoff's partner id at intake"
    )
    intake_secret: AccountSecret = Field(
        default=None, description="handoff's secret at intake; unset means disclosures are off (503)"
    )
    hmis_id_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="the HMAC key the HMIS export derives its pseudonymous PersonalID, EnrollmentID and EventID "
        "with (at least 32 characters; keep it: a new key gives every person a new PersonalID); unset means the "
        "export is off (503)",
    )
    hmis_project_id: str = Field(
        default="continuum-crisis", min_length=1, max_length=32, description="the HMIS ProjectID enrollments name"
    )
    hmis_source_name: str = Field(default="Continuum crisis system", min_length=1, max_length=50)
    hmis_implementation_id: str = Field(
        default="continuum", min_length=1, max_length=200, description="HMIS 5.10 Implementation Identifier"
    )
    timezone: str = Field(default="UTC", description="the county's zone: HMIS dates and the export range are in it")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {name!r} is not an IANA time zone") from None
        return name
