"""Response timers, swept on the kit's interval: a silent team is replaced, a late one escalated, a stale hold released.

Each sweep reads the injectable clock and takes due rows with SKIP LOCKED, so that two dispatch
instances never act on the same row twice.
"""

import logging

from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep
from sqlmodel import col, func, select

from continuum_dispatch.assignment import Request, escalate, send
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import ARRIVED, FINAL, Escalation, ResponderStatus, ResponseStatus
from continuum_dispatch.placement import release_expired_holds
from continuum_dispatch.store import Responder, Response

log = logging.getLogger(__name__)


def replace_unacknowledged(uow: UnitOfWork, settings: DispatchSettings) -> int:
    """A team that has not acknowledged in time is replaced by the next best one. With no other team the
    first one keeps the call (a late team is better than none) and a supervisor is alerted."""
    now = uow.clock.now()
    query = (
        select(Response)
        .where(Response.status == ResponseStatus.ASSIGNED, col(Response.acknowledge_due) <= now)
        .order_by(col(Response.acknowledge_due))
        .with_for_update(skip_locked=True)
    )
    silent = uow.session.exec(query).all()
    for old in silent:
        old.acknowledge_due = None
        uow.session.add(old)
        new = send(uow, Request.again(old), settings, reason=Escalation.NOT_ACKNOWLEDGED, replacing=old)
        if new is None:
            continue
        old.status = ResponseStatus.REPLACED
        old.updated_at = now
        old.target_due = None  # the replacement carries the target on
        uow.session.add(old)
        _back_to_available(uow, old.responder_id)
        log.info("response %s replaced by %s: not acknowledged", old.response_id, new.response_id)
    return len(silent)


def _back_to_available(uow: UnitOfWork, responder_id: str) -> None:
    """The silent team is free again unless it went offline or has other calls."""
    responder = uow.session.get(Responder, responder_id, with_for_update=True)
    if responder is None or responder.status == ResponderStatus.OFFLINE:
        return
    others = select(func.count()).where(
        Response.responder_id == responder_id, col(Response.status).not_in([s.value for s in FINAL])
    )
    if uow.session.exec(others).one() == 0:
        responder.status = ResponderStatus.AVAILABLE
        uow.session.add(responder)


def escalate_missed_targets(uow: UnitOfWork) -> int:
    """A response not on scene by its target escalates once."""
    now = uow.clock.now()
    query = (
        select(Response)
        .where(col(Response.target_due) <= now)
        .order_by(col(Response.target_due))
        .with_for_update(skip_locked=True)
    )
    due = uow.session.exec(query).all()
    for response in due:
        response.target_due = None
        uow.session.add(response)
        status = ResponseStatus(response.status)
        if status in ARRIVED or status in FINAL:
            continue
        escalate(
            uow,
            Request.again(response),
            Escalation.TARGET_MISSED,
            response.target_minutes,
            response.response_id,
            response.eta_minutes,
        )
    return len(due)


def build_sweeps(settings: DispatchSettings) -> list[Sweep]:
    def replace_unacknowledged_teams(uow: UnitOfWork) -> None:
        replace_unacknowledged(uow, settings)

    def escalate_responses_past_target(uow: UnitOfWork) -> None:
        escalate_missed_targets(uow)

    def release_unused_bed_holds(uow: UnitOfWork) -> None:
        release_expired_holds(uow)

    return [replace_unacknowledged_teams, escalate_responses_past_target, release_unused_bed_holds]
