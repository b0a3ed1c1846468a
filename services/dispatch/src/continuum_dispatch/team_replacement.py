"""Team replacement: a team that has not acknowledged in time is replaced by the next best one."""

import logging

from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, func, select

from continuum_dispatch.assignment import Request, send
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import FINAL, Escalation, ResponderStatus, ResponseStatus
from continuum_dispatch.store import Responder, Response

log = logging.getLogger(__name__)


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
