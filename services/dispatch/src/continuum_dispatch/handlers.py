"""Dispatch's use cases: send a responder to a triaged episode, and move a response to its resolution."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeTriagedV1,
    LawEnforcementDeflectedV1,
    PlacementReservedV1,
    ResponseAssignedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import Disposition, Need, PlaceType
from continuum_kit.consumer import Handler
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, func, select

from continuum_dispatch.domain import (
    KIND_FOR_RESPONSE,
    NO_SAFETY_RISK,
    PLACE_FOR_DISPOSITION,
    RESPONDER_STATUS_FOR,
    Candidate,
    EtaPolicy,
    ResponderKind,
    ResponderStatus,
    ResponseStatus,
    Room,
    Step,
    choose_place,
    choose_responder,
    deflected,
    step,
)
from continuum_dispatch.store import Place, Reservation, Responder, Response

log = logging.getLogger(__name__)


class UnknownResponse(LookupError):
    def __init__(self, response_id: UUID) -> None:
        super().__init__(f"response {response_id} not found")


class StatusConflict(Exception):
    """The update contradicts where the response already is."""

    def __init__(self, error: str, current_status: ResponseStatus) -> None:
        super().__init__(error)
        self.error = error
        self.current_status = current_status


@dataclass(frozen=True)
class ResponseUpdate:
    status: ResponseStatus
    disposition: Disposition | None = None
    needs: list[Need] | None = None


def active_responses(session: Session) -> dict[str, int]:
    """How many unresolved responses each busy responder has."""
    query = (
        select(Response.responder_id, func.count())
        .where(col(Response.status) != ResponseStatus.RESOLVED)
        .group_by(col(Response.responder_id))
    )
    return {responder_id: count for responder_id, count in session.exec(query).all()}


def _candidates(session: Session, kind: ResponderKind) -> list[Candidate]:
    load = active_responses(session)
    responders = session.exec(select(Responder).where(Responder.kind == kind)).all()
    return [
        Candidate(
            r.responder_id, ResponderKind(r.kind), r.with_peer, ResponderStatus(r.status), load.get(r.responder_id, 0)
        )
        for r in responders
    ]


def assign_response(uow: UnitOfWork, envelope: Envelope, eta: EtaPolicy) -> Response | None:
    """Send the least-loaded responder the triage asked for; record a deflection if police were not needed."""
    triaged = envelope.data
    assert isinstance(triaged, EpisodeTriagedV1)
    kind = KIND_FOR_RESPONSE[triaged.recommended_response]
    choice = choose_responder(_candidates(uow.session, kind), triaged.recommended_response, eta)
    if choice is None:
        log.warning("no %s responder on duty for episode %s", kind, envelope.episode_id)
        return None
    now = uow.clock.now()
    response = Response(
        episode_id=envelope.episode_id,
        response_type=triaged.recommended_response,
        responder_id=choice.responder_id,
        with_peer=choice.with_peer,
        status=ResponseStatus.ASSIGNED,
        eta_minutes=choice.eta_minutes,
        assigned_at=now,
        needs=sorted(triaged.needs),
        updated_at=now,
    )
    uow.session.add(response)
    uow.emit(
        ResponseAssignedV1(
            response_id=response.response_id,
            response_type=triaged.recommended_response,
            responder_id=choice.responder_id,
            with_peer=choice.with_peer,
            eta_minutes=choice.eta_minutes,
        ),
        episode_id=envelope.episode_id,
    )
    if deflected(triaged.channel, triaged.police_required):
        uow.emit(
            LawEnforcementDeflectedV1(
                response_id=response.response_id,
                channel=triaged.channel,
                call_type=triaged.call_type,
                reason=NO_SAFETY_RISK,
            ),
            episode_id=envelope.episode_id,
        )
    return response


def update_response(uow: UnitOfWork, response_id: UUID, update: ResponseUpdate, hold: timedelta) -> Response:
    """Move a response forward as the mobile-team app reports; a repeated report changes nothing."""
    response = uow.session.get(Response, response_id, with_for_update=True)
    if response is None:
        raise UnknownResponse(response_id)
    current = ResponseStatus(response.status)
    match step(current, update.status):
        case Step.CONFLICT:
            raise StatusConflict(f"a response that is {current} cannot move to {update.status}", current)
        case Step.REPEAT if current == ResponseStatus.RESOLVED and not _same_resolution(response, update):
            raise StatusConflict("the response is already resolved with another disposition or needs", current)
        case Step.REPEAT:
            return response
    _advance(uow, response, update)
    if update.status == ResponseStatus.RESOLVED:
        _resolve(uow, response, hold)
    return response


def _same_resolution(response: Response, update: ResponseUpdate) -> bool:
    same_needs = update.needs is None or sorted(set(update.needs)) == response.needs
    return update.disposition == response.disposition and same_needs


def _advance(uow: UnitOfWork, response: Response, update: ResponseUpdate) -> None:
    now = uow.clock.now()
    response.status = update.status
    response.updated_at = now
    if update.needs is not None:
        response.needs = sorted(set(update.needs))
    if update.status == ResponseStatus.RESOLVED:
        response.disposition = update.disposition
        response.resolved_at = now
    uow.session.add(response)
    responder_status = RESPONDER_STATUS_FOR.get(update.status)
    if responder_status is not None:
        _set_responder_status(uow, response.responder_id, responder_status)


def _set_responder_status(uow: UnitOfWork, responder_id: str, status: ResponderStatus) -> None:
    responder = uow.session.get(Responder, responder_id)
    if responder is not None:
        responder.status = status
        uow.session.add(responder)


def _resolve(uow: UnitOfWork, response: Response, hold: timedelta) -> None:
    disposition = Disposition(response.disposition)
    uow.emit(
        ResponseResolvedV1(
            response_id=response.response_id,
            responder_id=response.responder_id,
            disposition=disposition,
            needs=response.needs,
        ),
        episode_id=response.episode_id,
    )
    place_type = PLACE_FOR_DISPOSITION.get(disposition)
    if place_type is not None:
        reserve_place(uow, response, place_type, hold)


def reserve_place(uow: UnitOfWork, response: Response, place_type: PlaceType, hold: timedelta) -> Reservation | None:
    """Hold a bed at the place of that type with the most room; None when every one is full."""
    # Locked in a fixed order, so that two resolutions reserving at once wait instead of deadlocking.
    query = select(Place).where(Place.place_type == place_type).order_by(col(Place.place_id)).with_for_update()
    places = uow.session.exec(query).all()
    room = choose_place((Room(p.place_id, PlaceType(p.place_type), p.capacity, p.occupied) for p in places), place_type)
    if room is None:
        log.warning("no %s has room for episode %s", place_type, response.episode_id)
        return None
    place = next(p for p in places if p.place_id == room.place_id)
    place.occupied += 1
    now = uow.clock.now()
    reservation = Reservation(
        episode_id=response.episode_id,
        response_id=response.response_id,
        place_id=place.place_id,
        reserved_at=now,
        hold_until=now + hold,
    )
    uow.session.add_all([place, reservation])
    uow.emit(
        PlacementReservedV1(
            reservation_id=reservation.reservation_id,
            response_id=response.response_id,
            responder_id=response.responder_id,
            place_id=place.place_id,
            place_type=place_type,
            hold_until=reservation.hold_until,
        ),
        episode_id=response.episode_id,
    )
    return reservation


PUBLISHES = (
    "continuum.response.assigned.v1",
    "continuum.lawenforcement.deflected.v1",
    "continuum.response.resolved.v1",
    "continuum.placement.reserved.v1",
)


def build_handlers(eta: EtaPolicy) -> dict[str, Handler]:
    def assign(uow: UnitOfWork, envelope: Envelope) -> None:
        assign_response(uow, envelope, eta)

    return {"continuum.episode.triaged.v1": assign}
