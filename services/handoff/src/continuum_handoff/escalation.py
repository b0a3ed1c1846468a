"""The handoff escalation: a warm handoff still unaccepted past its accept-by time escalates, once."""

from continuum_contracts.events import HandoffEscalatedV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_handoff.acceptance_window import NOT_ACCEPTED_IN_TIME, waited_minutes
from continuum_handoff.domain import AWAITING_ACCEPTANCE
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
        uow.emit(
            HandoffEscalatedV1(
                handoff_id=handoff.handoff_id,
                to_party=handoff.to_party,
                reason=NOT_ACCEPTED_IN_TIME,
                waited_minutes=waited_minutes(handoff.requested_at, now),
            ),
            episode_id=handoff.episode_id,
        )
