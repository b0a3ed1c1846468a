"""Warm handoffs: request them (placements, pre-arrest diversion) and let the addressed partner move them."""

from datetime import datetime
from types import ModuleType
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeClosedV1,
    EpisodeTriagedV1,
    HandoffAcceptedV1,
    HandoffCancelledV1,
    HandoffCompletedV1,
    HandoffDeclinedV1,
    HandoffReceivedV1,
    HandoffRequestedV1,
    HandoffStartedV1,
    PlacementReleasedV1,
    PlacementReservedV1,
)
from continuum_contracts.vocabulary import Channel, TaskStatus
from continuum_kit.db import PerDialect
from continuum_kit.delivery import UnitOfWork
from sqlalchemy import Insert, func
from sqlmodel import col, select

from continuum_handoff.acceptance_window import accept_by
from continuum_handoff.completion_window import complete_by
from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import (
    ACCEPT,
    CANCELLABLE,
    COMPLETE,
    DECLINE,
    EPISODE_CLOSED,
    PLACEMENT_RELEASED,
    PRE_ARREST_DIVERSION,
    RECEIVE,
    START,
    DeclineReason,
    Move,
    diversion_from_party,
    move_needed,
    placement_handoff_kind,
)
from continuum_handoff.store import Handoff, HandoffEpisode


class HandoffNotFound(LookupError):
    pass


def _request(
    uow: UnitOfWork, episode_id: UUID, from_party: str, to_party: str, kind: str, settings: HandoffSettings
) -> Handoff:
    now = uow.clock.now()
    handoff = Handoff(
        episode_id=episode_id,
        from_party=from_party,
        to_party=to_party,
        warm=True,
        kind=kind,
        status=TaskStatus.REQUESTED,
        requested_at=now,
        accept_by=accept_by(now, settings.accept_within_minutes),
        updated_at=now,
    )
    uow.session.add(handoff)
    uow.session.flush()
    uow.emit(
        HandoffRequestedV1(
            handoff_id=handoff.handoff_id,
            from_party=from_party,
            to_party=to_party,
            warm=True,
            kind=kind,
            accept_by=handoff.accept_by,
        ),
        episode_id=episode_id,
    )
    return handoff


def request_placement_handoff(
    uow: UnitOfWork, envelope: Envelope[PlacementReservedV1], settings: HandoffSettings
) -> None:
    """A reserved place: hand the person over warmly from the mobile team to the place."""
    reserved = envelope.data
    kind = placement_handoff_kind(reserved.place_type)
    _request(uow, envelope.episode_id, reserved.responder_id, reserved.place_id, kind, settings)


_EPISODES = HandoffEpisode.__table__


def _remember(dialect: ModuleType) -> Insert:
    upsert = dialect.insert(_EPISODES)
    program = func.coalesce(upsert.excluded.program, _EPISODES.c.program)
    return upsert.on_conflict_do_update(index_elements=[_EPISODES.c.episode_id], set_={"program": program}).returning(
        _EPISODES.c.program
    )


_REMEMBER: PerDialect[Insert] = PerDialect(_remember)


def _remember_episode(uow: UnitOfWork, episode_id: UUID, triaged: EpisodeTriagedV1) -> str | None:
    """The episode's program as triage last told it (a contact triaged without one keeps the one known), in one
    statement built once: the primary key decides between the first triage and a later one, with no read first."""
    connection = uow.session.connection()
    values = {"episode_id": episode_id, "program": triaged.program, "triaged_at": uow.clock.now()}
    return connection.execute(_REMEMBER.on(connection), values).scalar_one()


def _has_diversion(uow: UnitOfWork, episode_id: UUID) -> bool:
    query = select(Handoff).where(Handoff.episode_id == episode_id, Handoff.kind == PRE_ARREST_DIVERSION)
    return uow.session.exec(query).first() is not None


def on_triaged(uow: UnitOfWork, envelope: Envelope[EpisodeTriagedV1], settings: HandoffSettings) -> None:
    """Remember the episode's program; a police field referral becomes a pre-arrest diversion handoff, once."""
    triaged = envelope.data
    program = _remember_episode(uow, envelope.episode_id, triaged)
    if triaged.channel is not Channel.POLICE_REFERRAL or _has_diversion(uow, envelope.episode_id):
        return
    from_party = diversion_from_party(program)
    _request(uow, envelope.episode_id, from_party, settings.care_navigation_partner_id, PRE_ARREST_DIVERSION, settings)


def _locked_handoff(uow: UnitOfWork, handoff_id: UUID) -> Handoff:
    # Locked so that two concurrent moves emit one event (a no-op on SQLite, which serialises writers).
    handoff = uow.session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    return handoff


def _moved(uow: UnitOfWork, handoff_id: UUID, partner_id: str, move: Move) -> tuple[Handoff, datetime | None]:
    """The handoff and the time it moved, or None for a harmless repeat."""
    handoff = _locked_handoff(uow, handoff_id)
    if not move_needed(move, TaskStatus(handoff.status), handoff.to_party, partner_id):
        return handoff, None
    now = uow.clock.now()
    handoff.status, handoff.updated_at = move.target, now
    uow.session.add(handoff)
    return handoff, now


def receive_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str) -> Handoff:
    """The addressed partner has seen the request (optional; FHIR received)."""
    handoff, now = _moved(uow, handoff_id, partner_id, RECEIVE)
    if now is not None:
        handoff.received_at = now
        uow.emit(HandoffReceivedV1(handoff_id=handoff_id, received_by=partner_id), episode_id=handoff.episode_id)
    return handoff


def accept_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str, settings: HandoffSettings) -> Handoff:
    """The addressed partner accepts, and must complete in time; a diversion's acceptance tells the officer
    no booking was needed."""
    handoff, now = _moved(uow, handoff_id, partner_id, ACCEPT)
    if now is not None:
        handoff.accepted_at = now
        handoff.complete_by = complete_by(now, settings.complete_within_minutes)
        no_booking = handoff.kind == PRE_ARREST_DIVERSION
        uow.emit(
            HandoffAcceptedV1(handoff_id=handoff_id, accepted_by=partner_id, no_booking=no_booking),
            episode_id=handoff.episode_id,
        )
    return handoff


def start_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str) -> Handoff:
    """The addressed partner has the person with them (optional; FHIR in-progress)."""
    handoff, now = _moved(uow, handoff_id, partner_id, START)
    if now is not None:
        handoff.started_at = now
        uow.emit(HandoffStartedV1(handoff_id=handoff_id, started_by=partner_id), episode_id=handoff.episode_id)
    return handoff


def complete_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str) -> Handoff:
    """The addressed partner confirms the person arrived; only an accepted handoff can complete."""
    handoff, now = _moved(uow, handoff_id, partner_id, COMPLETE)
    if now is not None:
        handoff.completed_at = now
        uow.emit(HandoffCompletedV1(handoff_id=handoff_id), episode_id=handoff.episode_id)
    return handoff


def decline_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str, reason: DeclineReason) -> Handoff:
    """The addressed partner declines before accepting (FHIR rejected); the sender must find another way."""
    handoff, now = _moved(uow, handoff_id, partner_id, DECLINE)
    if now is not None:
        handoff.declined_at, handoff.decline_reason = now, reason
        uow.emit(
            HandoffDeclinedV1(handoff_id=handoff_id, declined_by=partner_id, reason=reason),
            episode_id=handoff.episode_id,
        )
    return handoff


def cancel_handoffs(uow: UnitOfWork, handoffs: list[Handoff], reason: str) -> None:
    """Each handoff will not happen: cancelled, with an event naming why."""
    now = uow.clock.now()
    for handoff in handoffs:
        handoff.status, handoff.updated_at = TaskStatus.CANCELLED, now
        handoff.cancelled_at, handoff.cancel_reason = now, reason
        uow.session.add(handoff)
        uow.emit(HandoffCancelledV1(handoff_id=handoff.handoff_id, reason=reason), episode_id=handoff.episode_id)


def _open_handoffs(uow: UnitOfWork, episode_id: UUID, to_party: str | None = None) -> list[Handoff]:
    query = select(Handoff).where(Handoff.episode_id == episode_id, col(Handoff.status).in_(CANCELLABLE))
    if to_party is not None:
        query = query.where(Handoff.to_party == to_party)
    return list(uow.session.exec(query.with_for_update()).all())


def on_placement_released(uow: UnitOfWork, envelope: Envelope[PlacementReleasedV1]) -> None:
    """A bed went back to the pool before the person arrived: the handoff to that place will not happen."""
    released = envelope.data
    cancel_handoffs(uow, _open_handoffs(uow, envelope.episode_id, released.place_id), PLACEMENT_RELEASED)


def on_episode_closed(uow: UnitOfWork, envelope: Envelope[EpisodeClosedV1]) -> None:
    """The episode closed: any handoff still open is cancelled, so no partner waits for a person who won't come."""
    cancel_handoffs(uow, _open_handoffs(uow, envelope.episode_id), EPISODE_CLOSED)
