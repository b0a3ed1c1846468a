"""The mobile-team app's updates: a response moves from assigned to resolved, and its timers stop as it does."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from continuum_contracts.events import ResponseResolvedV1, ResponseUpdatedV1
from continuum_contracts.vocabulary import Disposition, Need
from continuum_kit.delivery import UnitOfWork

from continuum_dispatch.domain import (
    ARRIVED,
    PLACE_FOR_DISPOSITION,
    RESPONDER_STATUS_FOR,
    ResponderStatus,
    ResponseStatus,
    Step,
    step,
)
from continuum_dispatch.placement import reserve_place
from continuum_dispatch.store import Responder, Response
from continuum_dispatch.team_dropout import progress_due


class UnknownResponse(LookupError):
    def __init__(self, response_id: UUID) -> None:
        super().__init__(f"response {response_id} not found")


class StatusConflict(Exception):
    """The request contradicts where the response already is."""

    def __init__(self, error: str, current_status: ResponseStatus) -> None:
        super().__init__(error)
        self.error = error
        self.current_status = current_status


@dataclass(frozen=True)
class ResponseUpdate:
    status: ResponseStatus
    disposition: Disposition | None = None
    needs: list[Need] | None = None


def update_response(
    uow: UnitOfWork, response_id: UUID, update: ResponseUpdate, hold: timedelta, progress_timeout: timedelta
) -> Response:
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
    _advance(uow, response, update, progress_timeout)
    if update.status == ResponseStatus.RESOLVED:
        _resolve(uow, response, hold)
    else:
        uow.emit(
            ResponseUpdatedV1(response_id=response_id, responder_id=response.responder_id, status=update.status),
            episode_id=response.episode_id,
        )
    return response


def _same_resolution(response: Response, update: ResponseUpdate) -> bool:
    same_needs = update.needs is None or sorted(set(update.needs)) == response.needs
    return update.disposition == response.disposition and same_needs


def _advance(uow: UnitOfWork, response: Response, update: ResponseUpdate, progress_timeout: timedelta) -> None:
    now = uow.clock.now()
    response.status = update.status
    response.updated_at = now
    response.acknowledge_due = None  # any word from the team is an acknowledgement
    response.progress_due = progress_due(response, update.status, now, progress_timeout)
    if update.status in ARRIVED:
        response.target_due = None
    if update.needs is not None:
        response.needs = sorted(set(update.needs))
    if update.status == ResponseStatus.RESOLVED:
        response.disposition = update.disposition
        response.resolved_at = now
    uow.session.add(response)
    responder_status = RESPONDER_STATUS_FOR.get(update.status)
    if responder_status is not None:
        set_responder_status(uow, response.responder_id, responder_status)


def set_responder_status(uow: UnitOfWork, responder_id: str, status: ResponderStatus) -> None:
    responder = uow.session.get(Responder, responder_id, with_for_update=True)
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
