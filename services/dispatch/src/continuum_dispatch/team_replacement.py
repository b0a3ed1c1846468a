"""Team replacement: a response whose team dropped out (silent, offline) is handed to the next fitting team.

The reasons a team is replaced: it never acknowledged, it acknowledged and then stopped answering, or
county IT set it offline. Each replacement is one ResponseReplacedV1 naming both responses and both teams,
and the new ResponseAssignedV1 carries ``replaces`` and the reason.
"""

import logging
from enum import StrEnum

from continuum_contracts.events import ResponseReplacedV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, func, select

from continuum_dispatch.assignment import Request, assign, choose, escalate, target_of
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import FINAL, Escalation, ResponderStatus, ResponseStatus
from continuum_dispatch.store import Responder, Response

log = logging.getLogger(__name__)


class DropOut(StrEnum):
    """Why a team lost its response."""

    NOT_ACKNOWLEDGED = "not_acknowledged"
    NO_UPDATE_AFTER_ACKNOWLEDGEMENT = "no_update_after_acknowledgement"
    TEAM_OFFLINE = "team_offline"


def hand_over(uow: UnitOfWork, old: Response, reason: DropOut, settings: DispatchSettings) -> Response | None:
    """Give the response to the next fitting team (never the one leaving, nor one already silent on this
    episode); None, with nothing changed, when no team can take it. A replacement that cannot be there in
    the time the person has left is escalated at once, not when the first team's target runs out."""
    request = Request.again(old)
    choice = choose(uow, request, settings, old)
    if choice is None:
        return None
    new = assign(uow, request, choice, settings, reason=reason, replacing=old)
    old.status = ResponseStatus.REPLACED
    old.updated_at = uow.clock.now()
    stop_timers(old)  # the replacement carries the target on
    uow.session.add(old)
    uow.emit(
        ResponseReplacedV1(
            response_id=old.response_id,
            responder_id=old.responder_id,
            reason=reason,
            replaced_by=new.response_id,
            replacement_responder_id=new.responder_id,
        ),
        episode_id=old.episode_id,
    )
    free_unless_busy(uow, old.responder_id)
    log.info("response %s replaced by %s: %s", old.response_id, new.response_id, reason)
    return new


def stop_timers(response: Response) -> None:
    response.acknowledge_due = response.progress_due = response.target_due = response.handover_due = None


def replace_unacknowledged(uow: UnitOfWork, settings: DispatchSettings) -> None:
    """A team that has not acknowledged in time is replaced by the next best one. With no other team the
    first one keeps the call (a late team is better than none) and a supervisor is alerted."""
    now = uow.clock.now()
    query = (
        select(Response)
        .where(Response.status == ResponseStatus.ASSIGNED, col(Response.acknowledge_due) <= now)
        .order_by(col(Response.acknowledge_due))
        .with_for_update(skip_locked=True)
    )
    for old in uow.session.exec(query).all():
        old.acknowledge_due = None
        uow.session.add(old)
        if hand_over(uow, old, DropOut.NOT_ACKNOWLEDGED, settings) is None:
            request = Request.again(old)
            escalate(uow, request, Escalation.NOT_ACKNOWLEDGED, target_of(request, settings), old.response_id)


def free_unless_busy(uow: UnitOfWork, responder_id: str) -> None:
    """A team that lost or ended a response is free again unless it is offline or has other calls."""
    responder = uow.session.get(Responder, responder_id, with_for_update=True)
    if responder is None or responder.status == ResponderStatus.OFFLINE:
        return
    others = select(func.count()).where(
        Response.responder_id == responder_id, col(Response.status).not_in([s.value for s in FINAL])
    )
    if uow.session.exec(others).one() == 0:
        responder.status = ResponderStatus.AVAILABLE
        uow.session.add(responder)
