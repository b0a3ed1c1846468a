"""The handoff escalation: a warm handoff unaccepted past its accept-by time, or accepted and not completed
past its complete-by time (the facility went silent), escalates, once for each window (a supervisor who keeps it
open gives it a new window, see handoff_resolution.py). Each escalation's event id is kept, for the board's
resolution to find its handoff."""

from continuum_contracts.events import HandoffEscalatedV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_handoff.acceptance_window import NOT_ACCEPTED_IN_TIME, waited_minutes
from continuum_handoff.completion_window import NOT_COMPLETED_IN_TIME
from continuum_handoff.domain import AWAITING_ACCEPTANCE, AWAITING_COMPLETION
from continuum_handoff.store import Handoff


def escalate_unaccepted(uow: UnitOfWork) -> None:
    """A handoff still waiting for acceptance past its accept-by time escalates, once."""
    now = uow.clock.now()
    query = (
        select(Handoff)
        .where(
            col(Handoff.accept_by) <= now,
            col(Handoff.escalated_at).is_(None),
            col(Handoff.status).in_([status.value for status in AWAITING_ACCEPTANCE]),
        )
        .order_by(col(Handoff.accept_by))
        .with_for_update(skip_locked=True)
    )
    due = uow.session.exec(query).all()
    for handoff in due:
        handoff.escalated_at = now
        uow.session.add(handoff)
        handoff.escalation_id = uow.emit(
            HandoffEscalatedV1(
                handoff_id=handoff.handoff_id,
                to_party=handoff.to_party,
                reason=NOT_ACCEPTED_IN_TIME,
                waited_minutes=waited_minutes(handoff.requested_at, now),
            ),
            episode_id=handoff.episode_id,
        ).id


def escalate_stalled(uow: UnitOfWork) -> None:
    """An accepted handoff still not completed past its complete-by time escalates, once; it stays open."""
    now = uow.clock.now()
    query = (
        select(Handoff)
        .where(
            col(Handoff.complete_by) <= now,
            col(Handoff.stalled_at).is_(None),
            col(Handoff.status).in_([status.value for status in AWAITING_COMPLETION]),
        )
        .order_by(col(Handoff.complete_by))
        .with_for_update(skip_locked=True)
    )
    for handoff in uow.session.exec(query).all():
        handoff.stalled_at = now
        uow.session.add(handoff)
        handoff.stall_escalation_id = uow.emit(
            HandoffEscalatedV1(
                handoff_id=handoff.handoff_id,
                to_party=handoff.to_party,
                reason=NOT_COMPLETED_IN_TIME,
                waited_minutes=waited_minutes(handoff.accepted_at or handoff.requested_at, now),
            ),
            episode_id=handoff.episode_id,
        ).id
