"""Dispatch's tables: the roster, places, responses (with their timers), bed reservations, deflections, tasks,
audit, and the safety changes teams report.

Timers are columns: a response's acknowledgement and target due times, a reservation's hold; a sweep
clears or acts on each once it is due.
"""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlalchemy import Index
from sqlmodel import JSON, Column, Field, SQLModel


class Responder(SQLModel, table=True):
    """Someone who can respond: a mobile team, a co-responder, a warmline peer, police or EMS dispatch."""

    __tablename__ = "dispatch_responder"
    responder_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    status: str = Field(max_length=32)
    members: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Where the team is based or stands by: a team's position, not a person's.
    latitude: float | None = None
    longitude: float | None = None
    coverage_areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hours: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Place(SQLModel, table=True):
    """A safe place to go; its reserved and occupied beds are counted from the reservations."""

    __tablename__ = "dispatch_place"
    place_id: str = Field(primary_key=True, max_length=64)
    place_type: str = Field(max_length=32)
    capacity: int
    accepting: bool = True


class Response(SQLModel, table=True):
    """One responder sent to one episode, how far that response has got, and its due times."""

    __tablename__ = "dispatch_response"
    # Each team's live load (assignment.active_responses) without reading the finished responses.
    __table_args__ = (Index("ix_dispatch_response_live", "status", "responder_id"),)
    response_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    response_type: str = Field(max_length=32)
    responder_id: str = Field(index=True, foreign_key="dispatch_responder.responder_id", max_length=64)
    with_peer: bool
    status: str = Field(index=True, max_length=32)
    eta_minutes: int
    assigned_at: datetime = Field(sa_type=UTCDateTime)
    disposition: str | None = Field(default=None, max_length=64)
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # What a replacement team needs to be chosen the same way: the incident's area and grid cell, never more.
    area: str | None = Field(default=None, max_length=64)
    grid: str | None = Field(default=None, max_length=12)
    peer_preferred: bool = False
    target_minutes: int | None = None
    acknowledge_due: datetime | None = Field(default=None, index=True, sa_type=UTCDateTime)
    target_due: datetime | None = Field(default=None, index=True, sa_type=UTCDateTime)
    replaces: UUID | None = None
    reason: str | None = Field(default=None, max_length=64)
    backs_up: UUID | None = None  # the response on scene this one backs up after a safety change
    requested_by: str | None = Field(default=None, max_length=64)  # the partner on scene who asked for it
    # An acknowledged or en-route team must report its next step by then, or it is replaced.
    progress_due: datetime | None = Field(default=None, index=True, sa_type=UTCDateTime)
    # Its team dropped out (the reason) and nobody could take it over yet: tried again at handover_due.
    dropped_out: str | None = Field(default=None, max_length=64)
    handover_due: datetime | None = Field(default=None, index=True, sa_type=UTCDateTime)


class Reservation(SQLModel, table=True):
    """A bed held at a place for the person a response is bringing there: held, admitted, then discharged
    (or released when nobody came before the hold ran out)."""

    __tablename__ = "dispatch_reservation"
    reservation_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    response_id: UUID = Field(index=True, foreign_key="dispatch_response.response_id")
    place_id: str = Field(foreign_key="dispatch_place.place_id", max_length=64)
    reserved_at: datetime = Field(sa_type=UTCDateTime)
    hold_until: datetime = Field(index=True, sa_type=UTCDateTime)
    state: str = Field(default="held", index=True, max_length=16)
    admitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    release_reason: str | None = Field(
        default=None, max_length=32, description="why a held bed went back: hold_expired, episode_closed, declined"
    )


class Deflection(SQLModel, table=True):
    """A 911 or 311 call of an eligible type, and whether police were deflected from it: the county's measure."""

    __tablename__ = "dispatch_deflection"
    deflection_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    response_id: UUID | None = None
    program: str | None = Field(default=None, max_length=64)
    call_type: str | None = Field(default=None, max_length=64)
    channel: str = Field(max_length=32)
    demographics: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deflected: bool
    reason: str = Field(max_length=64)
    at: datetime = Field(index=True, sa_type=UTCDateTime)
    corrected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # police were needed after all


class Task(SQLModel, table=True):
    """A task given to one member of the team on a response."""

    __tablename__ = "dispatch_task"
    task_id: UUID = Field(default_factory=uuid4, primary_key=True)
    response_id: UUID = Field(index=True, foreign_key="dispatch_response.response_id")
    task: str = Field(max_length=64)
    assignee_member_id: str = Field(max_length=64)
    assigned_by: str | None = Field(default=None, max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """Who tried what and how it ended, as codes: refused peer tasks among them."""

    __tablename__ = "dispatch_audit"
    audit_id: UUID = Field(default_factory=uuid4, primary_key=True)
    at: datetime = Field(index=True, sa_type=UTCDateTime)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    outcome: str = Field(max_length=64)
    response_id: UUID | None = Field(default=None, index=True)


class SafetyChange(SQLModel, table=True):
    """A change of safety a team reported on its response, once per kind of change, and what dispatch did."""

    __tablename__ = "dispatch_safety_change"
    response_id: UUID = Field(primary_key=True, foreign_key="dispatch_response.response_id")
    change: str = Field(primary_key=True, max_length=32)
    reason: str = Field(max_length=64)
    reported_by: str = Field(max_length=64)
    backup_type: str = Field(max_length=32)
    backup_response_id: UUID | None = None
    peer_stepped_back: bool
    deflection_corrected: bool
    at: datetime = Field(sa_type=UTCDateTime)
