"""Followup's tables: an episode's program, live responses and open handoffs, one plan per episode in rounds,
its check-ins, attempts and family consents.

A person who comes back starts a new round on the same plan (``Plan.round``; each check-in keeps the round it
belongs to): one row per episode keeps "the episode closes once" a property of one locked row."""

from datetime import datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from continuum_kit.db import UTCDateTime
from sqlmodel import Field, SQLModel


class EpisodeProgram(SQLModel, table=True):
    """What triage told followup about an episode: its county program (a code), and whether the response it asked
    for is still awaited from dispatch (not yet assigned; when no team could take it, until a team is assigned or
    a supervisor resolves that escalation)."""

    __tablename__ = "followup_episode"
    episode_id: UUID = Field(primary_key=True)
    program: str | None = Field(default=None, max_length=64)
    response_awaited: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    no_team_escalation: str | None = Field(
        default=None, max_length=64, description="the escalation (event id) of an awaited response no team could take"
    )


class LiveResponse(SQLModel, table=True):
    """A response of the episode as followup learnt it from dispatch: live until resolved, replaced or cancelled."""

    __tablename__ = "followup_live_response"
    response_id: UUID = Field(primary_key=True)
    episode_id: UUID = Field(index=True)
    assigned_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end: str | None = Field(default=None, max_length=16, description="resolved, replaced or cancelled")
    response_type: str | None = Field(default=None, max_length=16, description="None when only its end was seen")


class LiveHandoff(SQLModel, table=True):
    """A warm handoff of the episode as followup learnt it from handoff: open from its request until completed,
    declined or cancelled. A bed reserved for the person holds a row of its own (``for_place``, keyed by the
    reservation) until the handoff to that place is requested, so that no closure slips between the two."""

    __tablename__ = "followup_live_handoff"
    handoff_id: UUID = Field(primary_key=True, description="the handoff's id, or the reservation's for a bed")
    episode_id: UUID = Field(index=True)
    to_party: str = Field(max_length=64)
    for_place: bool = Field(default=False, description="a reserved bed whose handoff is still to be requested")
    opened_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end: str | None = Field(default=None, max_length=16, description="completed, declined, cancelled or requested")


class Plan(SQLModel, table=True):
    """An episode's follow-up plan; closed when every person check-in is done, the person declined, or it went quiet."""

    __tablename__ = "followup_plan"
    plan_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(unique=True)
    status: str = Field(max_length=16, description="open or closed")
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closure_reason: str | None = Field(default=None, max_length=64)
    declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    quiet_due: datetime | None = Field(
        default=None, sa_type=UTCDateTime, index=True, description="timer: closes a silent plan"
    )
    round: int = Field(default=1, ge=1, sa_column_kwargs={"server_default": "1"})
    close_pending: str | None = Field(
        default=None, max_length=64, description="a closure deferred until the last live response ends, its reason"
    )


class Checkin(SQLModel, table=True):
    """A timer row: a peer's check-in due at ``due_at`` (set by the injectable clock), with the person or family."""

    __tablename__ = "followup_checkin"
    followup_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    plan_id: UUID = Field(index=True, foreign_key="followup_plan.plan_id")
    sequence: int = Field(ge=1)
    due_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=16)
    assigned_peer: str = Field(max_length=64)
    recipient: str = Field(default="person", max_length=16, sa_column_kwargs={"server_default": "person"})
    status: str = Field(max_length=16, description="scheduled, completed, unreachable or cancelled")
    attempts: int = 0
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    round: int = Field(default=1, ge=1, sa_column_kwargs={"server_default": "1"})
    overdue_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        index=True,
        description="timer: escalates a check-in its peer has not attempted",
    )
    reengagement_id: str | None = Field(
        default=None, max_length=64, description="the outstanding re-engagement request's event id, until answered"
    )


class Attempt(SQLModel, table=True):
    """One try at reaching the person for a check-in, reached or not; what was found, as codes."""

    __tablename__ = "followup_attempt"
    attempt_id: UUID = Field(default_factory=uuid4, primary_key=True)
    followup_id: UUID = Field(index=True, foreign_key="followup_checkin.followup_id")
    reached: bool
    channel: str = Field(max_length=16)
    attempted_at: datetime = Field(sa_type=UTCDateTime)
    wellbeing: str | None = Field(default=None, max_length=64)
    renewed_risk: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class FamilyContact(SQLModel, table=True):
    """A caregiver who consented to support: the relationship code only, never a name or number."""

    __tablename__ = "followup_family_contact"
    family_contact_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    followup_id: UUID = Field(foreign_key="followup_checkin.followup_id")
    relationship: str = Field(max_length=64)
    consented_at: datetime = Field(sa_type=UTCDateTime)
