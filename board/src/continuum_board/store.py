"""The board's read model: its own tables, filled only from episode events (never from a service's database).

Everything here is a code, a time or a pseudonymous id, as the events carry them: no PHI can reach it.
"""

from datetime import datetime
from uuid import UUID

from continuum_kit.db import UTCDateTime
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class EventRow(SQLModel, table=True):
    """Every event of every episode, in the order the topic carried it (``seq``), for the timeline."""

    __tablename__ = "board_event"
    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=100)
    episode_id: UUID = Field(index=True)
    type: str = Field(max_length=100)
    source: str = Field(max_length=200)
    time: datetime = Field(sa_type=UTCDateTime)
    trace_id: str | None = Field(default=None, max_length=32)
    data: dict = Field(sa_column=Column(JSON, nullable=False))


class EpisodeRow(SQLModel, table=True):
    """One episode as the board sees it: stage, acuity, where it came from, and the times the KPIs need."""

    __tablename__ = "board_episode"
    episode_id: UUID = Field(primary_key=True)
    stage: str | None = Field(default=None, max_length=32)
    acuity: str | None = Field(default=None, max_length=16)
    program: str | None = Field(default=None, max_length=64)
    channel: str | None = Field(default=None, max_length=32)
    area: str | None = Field(default=None, max_length=64)
    call_type: str | None = Field(default=None, max_length=64)
    demographics: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recommended_response: str | None = Field(default=None, max_length=32)
    police_required: bool | None = None
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contact_received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_after_seconds: int | None = Field(default=None, description="the first contact's wait, per its line")
    triaged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="first response assigned")
    arrived_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="first responder on scene")
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    target_minutes: int | None = None
    target_due: datetime | None = Field(default=None, sa_type=UTCDateTime, description="assigned_at + target")
    response_id: UUID | None = None
    response_type: str | None = Field(default=None, max_length=32)
    responder_id: str | None = Field(default=None, max_length=64)
    response_status: str | None = Field(default=None, max_length=32)
    eta_minutes: int | None = None
    escalated: str | None = Field(default=None, max_length=64, description="the last escalation's reason code")
    deflected: bool = False
    followup_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="first scheduled")
    followup_reached_at: datetime | None = Field(default=None, sa_type=UTCDateTime, description="first reached")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closure_reason: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class TeamRow(SQLModel, table=True):
    """A responder as the events last showed it: assigned, acknowledged, en route, on scene, or available."""

    __tablename__ = "board_team"
    responder_id: str = Field(primary_key=True, max_length=64)
    status: str = Field(max_length=32)
    response_type: str | None = Field(default=None, max_length=32)
    episode_id: UUID | None = None
    response_id: UUID | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ReservationRow(SQLModel, table=True):
    """A bed hold: held, then admitted and discharged, or released back to the pool."""

    __tablename__ = "board_reservation"
    reservation_id: UUID = Field(primary_key=True)
    episode_id: UUID = Field(index=True)
    place_id: str = Field(index=True, max_length=64)
    place_type: str = Field(max_length=32)
    state: str = Field(max_length=16, description="held, admitted, discharged or released")
    hold_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class HandoffRow(SQLModel, table=True):
    """A warm handoff and its FHIR ``Task.status``; waiting while requested and not yet accepted."""

    __tablename__ = "board_handoff"
    handoff_id: UUID = Field(primary_key=True)
    episode_id: UUID = Field(index=True)
    from_party: str | None = Field(default=None, max_length=64)
    to_party: str | None = Field(default=None, max_length=64)
    kind: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=16)
    requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accept_by: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated: bool = False
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class FollowupRow(SQLModel, table=True):
    """A peer check-in: due at ``due_at`` until it is completed (reached or not)."""

    __tablename__ = "board_followup"
    followup_id: UUID = Field(primary_key=True)
    episode_id: UUID = Field(index=True)
    sequence: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=16)
    recipient: str | None = Field(default=None, max_length=16)
    assigned_peer: str = Field(max_length=64)
    status: str = Field(max_length=16, description="scheduled, completed or unreachable")
    attempts: int = 0
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Operator(SQLModel, table=True):
    """A crisis-center operator who may sign in to the board; county IT creates them. Only a scrypt hash is kept."""

    __tablename__ = "board_operator"
    username: str = Field(primary_key=True, max_length=64)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    disabled: bool = False


class SessionRow(SQLModel, table=True):
    """A sign-in: the SHA-256 of a random token (the cookie holds the token), so a database copy signs no one in."""

    __tablename__ = "board_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    username: str = Field(index=True, max_length=64, foreign_key="board_operator.username")
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class EscalationRow(SQLModel, table=True):
    """An item of the "needs a human" queue: the escalating event (its CloudEvents id is the item's id), what it is
    about, and who took it in hand. ``state`` is open, acknowledged or resolved."""

    __tablename__ = "board_escalation"
    escalation_id: str = Field(primary_key=True, max_length=100)
    episode_id: UUID = Field(index=True)
    kind: str = Field(max_length=32)
    reason: str = Field(max_length=64)
    subject_id: str | None = Field(
        default=None, max_length=64, description="the response, handoff, referral or check-in"
    )
    party: str | None = Field(default=None, max_length=64, description="the team or partner it is about")
    raised_at: datetime = Field(sa_type=UTCDateTime, description="the escalating event's time")
    state: str = Field(index=True, max_length=16)
    acknowledged_by: str | None = Field(default=None, max_length=64)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: str | None = Field(
        default=None, max_length=64, description="an operator, or the service that finished it"
    )
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = Field(default=None, max_length=64)
    to_party: str | None = Field(default=None, max_length=64, description="a referral's new partner, when reassigned")
    updated_at: datetime = Field(sa_type=UTCDateTime)


class AuditRow(SQLModel, table=True):
    """What an operator did to the queue, refusals included: who, what, when, the outcome, the event published."""

    __tablename__ = "board_audit"
    seq: int | None = Field(default=None, primary_key=True)
    operator: str = Field(index=True, max_length=64)
    action: str = Field(max_length=16, description="acknowledge or resolve")
    escalation_id: str = Field(index=True, max_length=100)
    outcome: str = Field(max_length=32, description="e.g. acknowledged, repeat, refused_resolved, not_found")
    resolution: str | None = Field(default=None, max_length=64)
    event_id: str | None = Field(default=None, max_length=100)
    at: datetime = Field(sa_type=UTCDateTime)


class ReferralRow(SQLModel, table=True):
    """A referral (housing, treatment, peer support) and where its closed loop stands."""

    __tablename__ = "board_referral"
    referral_id: UUID = Field(primary_key=True)
    episode_id: UUID = Field(index=True)
    kind: str | None = Field(default=None, max_length=32)
    to_party: str | None = Field(default=None, max_length=64)
    status: str = Field(max_length=16, description="FHIR Task.status, as the last event gave it")
    state: str = Field(max_length=16, description="sent, answered, reminded, escalated, kept_open, closed, handed_on")
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replaces: UUID | None = None
    result: str | None = Field(default=None, max_length=64)
    reminders: int = 0
    owner: str | None = Field(default=None, max_length=64, description="who carries it on, or kept it open")
    review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RosterTeamRow(SQLModel, table=True):
    """A responder as dispatch's roster (``GET /v1/responders``) last gave it: status, on duty, load. No members."""

    __tablename__ = "board_roster_team"
    responder_id: str = Field(primary_key=True, max_length=64)
    kind: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=32, description="available, en_route, on_scene or offline")
    on_duty: bool = True
    active_responses: int = 0
    fetched_at: datetime = Field(sa_type=UTCDateTime)


class RosterPlaceRow(SQLModel, table=True):
    """A place to go as dispatch's ``GET /v1/places`` last gave it: its beds, and whether it takes people now."""

    __tablename__ = "board_roster_place"
    place_id: str = Field(primary_key=True, max_length=64)
    place_type: str = Field(max_length=32)
    capacity: int
    accepting: bool = True
    reserved: int = 0
    occupied: int = 0
    available: int = 0
    fetched_at: datetime = Field(sa_type=UTCDateTime)
