"""Missed targets: a response not on scene by its target time escalates to a supervisor, once."""

from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_dispatch.assignment import Request, escalate
from continuum_dispatch.domain import ARRIVED, FINAL, Escalation, ResponseStatus
from continuum_dispatch.store import Response


def escalate_missed_targets(uow: UnitOfWork) -> None:
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
