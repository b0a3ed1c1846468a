"""Handoff's tables: warm handoffs and referrals, each with its FHIR Task status."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlmodel import Field, SQLModel


class Handoff(SQLModel, table=True):
    """A warm handoff from one party to another (e.g. a mobile team to a peer respite)."""

    __tablename__ = "handoff_handoff"
    handoff_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    from_party: str = Field(max_length=64)
    to_party: str = Field(max_length=64)
    warm: bool = True
    status: str = Field(max_length=32, description="a FHIR Task.status value")
    requested_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Referral(SQLModel, table=True):
    """A referral to a partner service (e.g. housing coordinated entry)."""

    __tablename__ = "handoff_referral"
    referral_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    kind: str = Field(max_length=64)
    to_party: str = Field(max_length=64)
    status: str = Field(max_length=32, description="a FHIR Task.status value")
    sent_at: datetime = Field(sa_type=UTCDateTime)
