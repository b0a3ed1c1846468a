"""Intake's tables: partners, the person vault (PHI, encrypted, only here), episodes, contacts, plans, reviews."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlalchemy import Text
from sqlmodel import JSON, Column, Field, SQLModel

INDEX_LENGTH = 64  # hex HMAC-SHA256


class Partner(SQLModel, table=True):
    """A partner system allowed to post: what it may post, and a scrypt hash of its secret (never the secret)."""

    __tablename__ = "intake_partner"
    partner_id: str = Field(primary_key=True, max_length=64)
    secret_hash: str = Field(max_length=255)
    channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    active: bool = True


class Person(SQLModel, table=True):
    """The person vault: personal details as Fernet tokens, and blind indexes to match a returning person."""

    __tablename__ = "intake_person"
    person_id: UUID = Field(default_factory=uuid4, primary_key=True)
    name_encrypted: str | None = Field(default=None, sa_type=Text)
    phone_encrypted: str | None = Field(default=None, sa_type=Text)
    date_of_birth_encrypted: str | None = Field(default=None, sa_type=Text)
    address_encrypted: str | None = Field(default=None, sa_type=Text)
    phone_index: str | None = Field(default=None, index=True, max_length=INDEX_LENGTH)
    name_birth_date_index: str | None = Field(default=None, index=True, max_length=INDEX_LENGTH)
    name_index: str | None = Field(default=None, index=True, max_length=INDEX_LENGTH)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Episode(SQLModel, table=True):
    __tablename__ = "intake_episode"
    episode_id: UUID = Field(default_factory=uuid4, primary_key=True)
    person_id: UUID = Field(index=True, foreign_key="intake_person.person_id")
    stage: str = Field(max_length=32)
    acuity: str = Field(max_length=32)
    recommended_response: str = Field(max_length=32)
    opened_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closure_reason: str | None = Field(default=None, max_length=64)


class Contact(SQLModel, table=True):
    """One contact and the triage decision it got; its location and note are encrypted like the vault."""

    __tablename__ = "intake_contact"
    contact_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True, foreign_key="intake_episode.episode_id")
    person_id: UUID = Field(foreign_key="intake_person.person_id")
    channel: str = Field(max_length=32)
    partner_id: str = Field(max_length=64)
    call_type: str | None = Field(default=None, max_length=64)
    partner_codes: dict[str, str | int] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description="the partner's own codes (incident id, facility, site): codes only, no PHI",
    )
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    safety_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    demographics: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    stage: str = Field(max_length=32)
    acuity: str = Field(max_length=32)
    recommended_response: str = Field(max_length=32)
    police_required: bool
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    program: str | None = Field(default=None, max_length=64)
    area: str | None = Field(default=None, max_length=64)
    grid: str | None = Field(default=None, max_length=12)
    joined: bool = Field(default=False, description="the contact joined an episode that was already open")
    location_encrypted: str | None = Field(default=None, sa_type=Text)
    note_encrypted: str | None = Field(default=None, sa_type=Text)
    answered_after_seconds: int | None = Field(default=None, description="the partner's speed to answer")
    received_at: datetime = Field(sa_type=UTCDateTime)


class PartnerEvent(SQLModel, table=True):
    """A CloudEvent a partner posted, by its id: a repeat is answered with the contact it made the first time."""

    __tablename__ = "intake_partner_event"
    partner_id: str = Field(primary_key=True, max_length=64)
    event_id: str = Field(primary_key=True, max_length=128)
    contact_id: UUID = Field(foreign_key="intake_contact.contact_id")
    received_at: datetime = Field(sa_type=UTCDateTime)


class CrisisPlan(SQLModel, table=True):
    """What a person asked of responders ahead of a crisis (WRAP, advance directive), as codes only."""

    __tablename__ = "intake_crisis_plan"
    person_id: UUID = Field(primary_key=True, foreign_key="intake_person.person_id")
    peer_preferred: bool = False
    language: str | None = Field(default=None, max_length=64)
    preferred_place: str | None = Field(default=None, max_length=64)
    helps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    avoid: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class MatchReview(SQLModel, table=True):
    """Two records that may be one person: a supervisor merges or dismisses; intake never merges on its own."""

    __tablename__ = "intake_match_review"
    review_id: UUID = Field(default_factory=uuid4, primary_key=True)
    person_id: UUID = Field(index=True, foreign_key="intake_person.person_id")
    candidate_person_id: UUID = Field(foreign_key="intake_person.person_id")
    reason: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Consent(SQLModel, table=True):
    """The person's permission to share categories of their record with named recipients, for a purpose, until
    it expires or is revoked. A 42 CFR Part 2 consent (part2) may also cover substance-use information."""

    __tablename__ = "intake_consent"
    consent_id: UUID = Field(default_factory=uuid4, primary_key=True)
    person_id: UUID = Field(index=True, foreign_key="intake_person.person_id")
    episode_id: UUID = Field(foreign_key="intake_episode.episode_id", description="where it was recorded")
    scope: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recipient_categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    purpose: str = Field(max_length=64)
    part2: bool
    expires_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_by: str | None = Field(default=None, max_length=64)


class Disclosure(SQLModel, table=True):
    """The audit of every disclosure request: who asked for whom, what was released or withheld, under which
    consents, and when. Refusals are recorded too. Categories only: the released data is never copied here."""

    __tablename__ = "intake_disclosure"
    disclosure_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True, foreign_key="intake_episode.episode_id")
    person_id: UUID = Field(foreign_key="intake_person.person_id")
    requested_by: str = Field(max_length=64)
    recipient: str = Field(max_length=64)
    recipient_category: str | None = Field(default=None, max_length=64)
    purpose: str = Field(max_length=64)
    basis: str | None = Field(default=None, max_length=128, description="e.g. referral:<id>, the relationship")
    requested: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    released: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    withheld: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    consent_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    outcome: str = Field(max_length=16)
    disclosed_at: datetime = Field(sa_type=UTCDateTime)
