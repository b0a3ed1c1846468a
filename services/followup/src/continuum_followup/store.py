"""Followup's tables: one plan per episode, its scheduled check-ins, and every attempt to reach the person."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlmodel import Field, SQLModel


class Plan(SQLModel, table=True):
    """An episode's follow-up plan; closed when every check-in is done or the person declined."""

    __tablename__ = "followup_plan"
    plan_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(unique=True)
    status: str = Field(max_length=16, description="open or closed")
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closure_reason: str | None = Field(default=None, max_length=64)


class Checkin(SQLModel, table=True):
    """A timer row: a peer's check-in due at ``due_at`` (set by the injectable clock)."""

    __tablename__ = "followup_checkin"
    followup_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    plan_id: UUID = Field(index=True, foreign_key="followup_plan.plan_id")
    sequence: int = Field(ge=1)
    due_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=16)
    assigned_peer: str = Field(max_length=64)
    status: str = Field(max_length=16, description="scheduled or completed")
    attempts: int = 0
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Attempt(SQLModel, table=True):
    """One try at reaching the person for a check-in, reached or not."""

    __tablename__ = "followup_attempt"
    attempt_id: UUID = Field(default_factory=uuid4, primary_key=True)
    followup_id: UUID = Field(index=True, foreign_key="followup_checkin.followup_id")
    reached: bool
    channel: str = Field(max_length=16)
    attempted_at: datetime = Field(sa_type=UTCDateTime)
