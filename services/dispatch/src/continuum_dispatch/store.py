"""Dispatch's tables: the responder roster, places to go, responses and bed reservations."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_kit.db import UTCDateTime
from sqlmodel import JSON, Column, Field, SQLModel


class Responder(SQLModel, table=True):
    """Someone who can respond: a mobile team, a co-responder, a warmline peer, police or EMS dispatch."""

    __tablename__ = "dispatch_responder"
    responder_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    with_peer: bool
    area: str = Field(max_length=64)
    status: str = Field(max_length=32)


class Place(SQLModel, table=True):
    """A safe place to go: a stabilization unit, a peer respite, a 23-hour bed."""

    __tablename__ = "dispatch_place"
    place_id: str = Field(primary_key=True, max_length=64)
    place_type: str = Field(max_length=32)
    capacity: int
    occupied: int = 0


class Response(SQLModel, table=True):
    """One responder sent to one episode, and how far that response has got."""

    __tablename__ = "dispatch_response"
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


class Reservation(SQLModel, table=True):
    """A bed held at a place for the person a response is bringing there."""

    __tablename__ = "dispatch_reservation"
    reservation_id: UUID = Field(default_factory=uuid4, primary_key=True)
    episode_id: UUID = Field(index=True)
    response_id: UUID = Field(index=True, foreign_key="dispatch_response.response_id")
    place_id: str = Field(foreign_key="dispatch_place.place_id", max_length=64)
    reserved_at: datetime = Field(sa_type=UTCDateTime)
    hold_until: datetime = Field(sa_type=UTCDateTime)
