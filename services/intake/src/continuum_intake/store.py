"""Intake's tables: the person vault (PHI, only here), contacts and episodes."""

from datetime import date, datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlmodel import JSON, Column, Field, SQLModel


class Person(SQLModel, table=True):
    """The person vault: the only place personal details live. Events name people by ``person_id``."""

    __tablename__ = "intake_person"
    person_id: UUID = Field(default_factory=uuid4, primary_key=True)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    date_of_birth: date | None = None
    address: str | None = Field(default=None, max_length=400)
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
    __tablename__ = "intake_contact"
    contact_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True, foreign_key="intake_episode.episode_id")
    person_id: UUID = Field(foreign_key="intake_person.person_id")
    channel: str = Field(max_length=32)
    partner_id: str = Field(max_length=64)
    call_type: str | None = Field(default=None, max_length=64)
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    safety_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=4000, description="free text: PHI, never leaves intake")
    received_at: datetime = Field(sa_type=UTCDateTime)
