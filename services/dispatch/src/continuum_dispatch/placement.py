"""A safe place to go: holding a bed for a transport, admission, discharge, and releasing holds nobody used.

Reservation does not look at who referred the person: a stabilization unit takes every referral source,
police drop-offs included, so a co-response that transports to stabilization reserves a bed like any other.
"""

import logging
from datetime import timedelta
from uuid import UUID

from continuum_contracts.events import (
    PlacementAdmittedV1,
    PlacementDischargedV1,
    PlacementReleasedV1,
    PlacementReservedV1,
    PlacementUnavailableV1,
)
from continuum_contracts.vocabulary import PlaceType
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, func, select

from continuum_dispatch.domain import BED_TAKEN, BedState, Room, Step, bed_step, choose_place
from continuum_dispatch.store import Place, Reservation, Response

log = logging.getLogger(__name__)
HOLD_EXPIRED = "hold_expired"
NO_PLACE_WITH_ROOM = "no_place_with_room"
DECLINED_AND_NO_OTHER_PLACE = "declined_and_no_other_place"


class UnknownPlace(LookupError):
    def __init__(self, place_id: str) -> None:
        super().__init__(f"place {place_id} not found")


class UnknownReservation(LookupError):
    def __init__(self, reservation_id: UUID, place_id: str) -> None:
        super().__init__(f"reservation {reservation_id} not found at place {place_id}")


class BedConflict(Exception):
    def __init__(self, error: str, state: BedState) -> None:
        super().__init__(error)
        self.error = error
        self.state = state


def beds_taken(session: Session) -> dict[str, dict[BedState, int]]:
    """Per place, how many beds are held and how many occupied."""
    query = (
        select(Reservation.place_id, Reservation.state, func.count())
        .where(col(Reservation.state).in_([s.value for s in BED_TAKEN]))
        .group_by(col(Reservation.place_id), col(Reservation.state))
    )
    taken: dict[str, dict[BedState, int]] = {}
    for place_id, state, count in session.exec(query).all():
        taken.setdefault(place_id, {})[BedState(state)] = count
    return taken


def available(place: Place, taken: dict[BedState, int]) -> int:
    return max(place.capacity - taken.get(BedState.HELD, 0) - taken.get(BedState.ADMITTED, 0), 0)


def reserve_place(
    uow: UnitOfWork,
    response: Response,
    place_type: PlaceType,
    hold: timedelta,
    exclude: frozenset[str] = frozenset(),
    declined_by: str | None = None,
) -> Reservation | None:
    """Hold a bed at the accepting place of that type with the most room (none of ``exclude``, the places that
    declined the person). None when every one is full: then a supervisor is told (``placement.unavailable``)."""
    # Locked in a fixed order, so that two resolutions reserving at once wait instead of deadlocking.
    query = (
        select(Place)
        .where(Place.place_type == place_type, col(Place.accepting).is_(True), col(Place.place_id).not_in(exclude))
        .order_by(col(Place.place_id))
        .with_for_update()
    )
    places = uow.session.exec(query).all()
    taken = beds_taken(uow.session)
    room = choose_place(Room(p.place_id, available(p, taken.get(p.place_id, {}))) for p in places)
    if room is None:
        log.warning("no %s has room for episode %s", place_type, response.episode_id)
        reason = NO_PLACE_WITH_ROOM if declined_by is None else DECLINED_AND_NO_OTHER_PLACE
        unavailable = PlacementUnavailableV1(
            response_id=response.response_id,
            responder_id=response.responder_id,
            place_type=place_type,
            reason=reason,
            declined_by=declined_by,
        )
        uow.emit(unavailable, episode_id=response.episode_id)
        return None
    now = uow.clock.now()
    reservation = Reservation(
        episode_id=response.episode_id,
        response_id=response.response_id,
        place_id=room.place_id,
        reserved_at=now,
        hold_until=now + hold,
    )
    uow.session.add(reservation)
    uow.emit(
        PlacementReservedV1(
            reservation_id=reservation.reservation_id,
            response_id=response.response_id,
            responder_id=response.responder_id,
            place_id=room.place_id,
            place_type=place_type,
            hold_until=reservation.hold_until,
        ),
        episode_id=response.episode_id,
    )
    return reservation


def admit(uow: UnitOfWork, place_id: str, reservation_id: UUID) -> Reservation:
    """The held bed becomes an occupied one; admitting twice changes nothing."""
    reservation, place = _locked(uow, place_id, reservation_id)
    if _move(reservation, BedState.ADMITTED):
        reservation.admitted_at = uow.clock.now()
        uow.session.add(reservation)
        uow.emit(
            PlacementAdmittedV1(reservation_id=reservation_id, place_id=place_id, place_type=place.place_type),
            episode_id=reservation.episode_id,
        )
    return reservation


def discharge(uow: UnitOfWork, place_id: str, reservation_id: UUID) -> Reservation:
    """The bed is free again; discharging twice changes nothing."""
    reservation, place = _locked(uow, place_id, reservation_id)
    if _move(reservation, BedState.DISCHARGED):
        reservation.closed_at = uow.clock.now()
        uow.session.add(reservation)
        uow.emit(
            PlacementDischargedV1(reservation_id=reservation_id, place_id=place_id, place_type=place.place_type),
            episode_id=reservation.episode_id,
        )
    return reservation


def release_expired_holds(uow: UnitOfWork) -> None:
    """Timer: a bed held past its hold goes back to the pool, so that the next person can have it."""
    now = uow.clock.now()
    query = (
        select(Reservation)
        .where(Reservation.state == BedState.HELD, col(Reservation.hold_until) <= now)
        .order_by(col(Reservation.hold_until))
        .with_for_update(skip_locked=True)
    )
    for reservation in uow.session.exec(query).all():
        release(uow, reservation, HOLD_EXPIRED)


def release(uow: UnitOfWork, reservation: Reservation, reason: str) -> None:
    """A held bed goes back to the pool, with the reason (the hold ran out, the episode closed)."""
    place = uow.session.get(Place, reservation.place_id)
    assert place is not None, "a reservation's place is a foreign key"
    reservation.state, reservation.release_reason = BedState.RELEASED, reason
    reservation.closed_at = uow.clock.now()
    uow.session.add(reservation)
    uow.emit(
        PlacementReleasedV1(
            reservation_id=reservation.reservation_id,
            place_id=reservation.place_id,
            place_type=place.place_type,
            reason=reason,
        ),
        episode_id=reservation.episode_id,
    )


def _locked(uow: UnitOfWork, place_id: str, reservation_id: UUID) -> tuple[Reservation, Place]:
    place = uow.session.get(Place, place_id)
    if place is None:
        raise UnknownPlace(place_id)
    reservation = uow.session.get(Reservation, reservation_id, with_for_update=True)
    if reservation is None or reservation.place_id != place_id:
        raise UnknownReservation(reservation_id, place_id)
    return reservation, place


def _move(reservation: Reservation, requested: BedState) -> bool:
    current = BedState(reservation.state)
    match bed_step(current, requested):
        case Step.CONFLICT:
            raise BedConflict(f"a reservation that is {current} cannot be {requested}", current)
        case Step.REPEAT:
            return False
    reservation.state = requested
    return True
