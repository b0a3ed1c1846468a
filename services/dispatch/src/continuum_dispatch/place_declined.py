"""A place declined the person a team is bringing (``handoff.declined`` on the handoff to it): its held bed goes
back to the pool, and dispatch holds one at another accepting place of the same kind with room (a place that
declined this episode is not asked again). The handoff service then asks that place, as for the first bed. When no
other place has room, a supervisor is told (``placement.unavailable``, the board's "no place" item): nobody is
left with a person and nowhere to take them without a human knowing.

A decline on a handoff that holds no bed of the episode (a diversion to care navigation) changes nothing here.
"""

from datetime import timedelta

from continuum_contracts import Envelope
from continuum_contracts.events import HandoffDeclinedV1
from continuum_contracts.vocabulary import PlaceType
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import BedState
from continuum_dispatch.placement import release, reserve_place
from continuum_dispatch.store import Place, Reservation, Response

HANDOFF_DECLINED = "handoff_declined"


def on_handoff_declined(uow: UnitOfWork, envelope: Envelope[HandoffDeclinedV1], settings: DispatchSettings) -> None:
    declined = envelope.data
    held = select(Reservation).where(
        Reservation.episode_id == envelope.episode_id,
        Reservation.place_id == declined.declined_by,
        Reservation.state == BedState.HELD,
    )
    reservation = uow.session.exec(held.with_for_update()).first()
    if reservation is None:
        return
    place = uow.session.get(Place, reservation.place_id)
    response = uow.session.get(Response, reservation.response_id)
    assert place is not None and response is not None, "a reservation's place and response are foreign keys"
    release(uow, reservation, HANDOFF_DECLINED)
    refused = select(Reservation.place_id).where(
        Reservation.episode_id == envelope.episode_id, col(Reservation.release_reason) == HANDOFF_DECLINED
    )
    exclude = frozenset(uow.session.exec(refused).all()) | {reservation.place_id}
    hold = timedelta(minutes=settings.reservation_hold_minutes)
    reserve_place(uow, response, PlaceType(place.place_type), hold, exclude=exclude, declined_by=place.place_id)
