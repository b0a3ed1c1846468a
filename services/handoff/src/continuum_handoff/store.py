"""Handoff's tables: warm handoffs and referrals with their FHIR Task status, what handoff knows of an episode,
and the terms of the person's consents (heard from intake), which decide what the HMIS export may carry."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Handoff(SQLModel, table=True):
    """A warm handoff from one party to another (e.g. a mobile team to a peer respite, police to care navigation)."""

    __tablename__ = "handoff_handoff"
    handoff_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    from_party: str = Field(max_length=64)
    to_party: str = Field(max_length=64)
    warm: bool = True
    kind: str | None = Field(default=None, max_length=64, description="e.g. pre_arrest_diversion")
    status: str = Field(max_length=32, description="a FHIR Task.status value")
    requested_at: datetime = Field(sa_type=UTCDateTime)
    accept_by: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decline_reason: str | None = Field(default=None, max_length=64)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, max_length=64)
    complete_by: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    stalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="escalated: not completed")
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    escalation_id: str | None = Field(
        default=None, max_length=64, index=True, description="the last not-accepted escalation (its event id)"
    )
    stall_escalation_id: str | None = Field(
        default=None, max_length=64, index=True, description="the last not-completed escalation (its event id)"
    )


class Referral(SQLModel, table=True):
    """A referral to a partner service (e.g. housing coordinated entry), open until the partner reports a result."""

    __tablename__ = "handoff_referral"
    referral_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    kind: str = Field(max_length=64)
    to_party: str = Field(max_length=64)
    status: str = Field(max_length=32, description="a FHIR Task.status value")
    sent_at: datetime = Field(sa_type=UTCDateTime)
    hmis_event: str | None = Field(default=None, max_length=64, description="HMIS 4.20 event code")
    living_situation: str | None = Field(default=None, max_length=64, description="HMIS 4.12 code")
    result: str | None = Field(default=None, max_length=64, description="HMIS 4.20 referral result code")
    result_date: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminders_sent: int = 0
    next_reminder_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    escalate_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalation_id: str | None = Field(default=None, max_length=100, index=True, description="its CloudEvents id")
    resolution: str | None = Field(default=None, max_length=32, description="reassigned, closed or kept_open")
    resolved_by: str | None = Field(default=None, max_length=64)
    review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    close_reason: str | None = Field(default=None, max_length=64)
    replaces: UUID | None = Field(default=None)
    replaced_by: UUID | None = Field(default=None)
    owner: str | None = Field(default=None, max_length=64, description="who carries it on after its episode closed")
    handed_on_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, index=True, description="its last change of status or result (FHIR)"
    )


class HandoffEpisode(SQLModel, table=True):
    """What handoff keeps of a triaged episode that later events do not carry: the program it came through."""

    __tablename__ = "handoff_episode"
    episode_id: UUID = Field(primary_key=True)
    program: str | None = Field(default=None, max_length=64)
    triaged_at: datetime = Field(sa_type=UTCDateTime)


class HandoffConsent(SQLModel, table=True):
    """A consent recorded at intake, as its consent events carry it (categories and recipients, never data)."""

    __tablename__ = "handoff_consent"
    consent_id: UUID = Field(primary_key=True)
    person_id: UUID = Field(index=True)
    episode_id: UUID = Field(index=True, description="the episode it was recorded on")
    scope: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipient_categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    purpose: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
