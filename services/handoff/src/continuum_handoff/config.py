"""Handoff's settings: the shared service settings with handoff's name, port, partners and timers."""

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.settings import AccountSecret, ServiceSettings
from pydantic import Field, PositiveFloat


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
