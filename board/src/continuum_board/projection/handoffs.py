"""Projects warm handoffs onto their rows: requested, each step of the receiving partner, escalated.

Referrals have their own projector (``referrals.py``).
"""

from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from sqlmodel import Session

from continuum_board.projection.change import Change, Projector, Projectors
from continuum_board.store import HandoffRow

HandoffStep = (
    ev.HandoffReceivedV1
    | ev.HandoffAcceptedV1
    | ev.HandoffStartedV1
    | ev.HandoffCancelledV1
    | ev.HandoffDeclinedV1
    | ev.HandoffCompletedV1
)


def requested(change: Change, envelope: Envelope[ev.HandoffRequestedV1]) -> None:
    request = envelope.data
    row = _handoff_row(change.session, request.handoff_id, envelope, request.status)
    row.from_party, row.to_party, row.kind = request.from_party, request.to_party, request.kind
    row.requested_at = envelope.time
    row.accept_by = request.accept_by
    change.session.add(row)


def _status(status: str) -> Projector[HandoffStep]:
    def apply(change: Change, envelope: Envelope[HandoffStep]) -> None:
        row = _handoff_row(change.session, envelope.data.handoff_id, envelope, status)
        row.status = status
        if status == "completed":
            row.completed_at = envelope.time
        row.updated_at = envelope.time
        change.session.add(row)

    return apply


def escalated(change: Change, envelope: Envelope[ev.HandoffEscalatedV1]) -> None:
    row = change.session.get(HandoffRow, envelope.data.handoff_id, with_for_update=True)
    if row is not None:
        row.escalated = True
        row.updated_at = envelope.time
        change.session.add(row)


def _handoff_row(session: Session, handoff_id: UUID, envelope: Envelope, status: str) -> HandoffRow:
    """The handoff's row, locked; a new one when its request has not been seen yet (events may come out of order)."""
    row = session.get(HandoffRow, handoff_id, with_for_update=True)
    if row is None:
        row = HandoffRow(handoff_id=handoff_id, episode_id=envelope.episode_id, status=status, updated_at=envelope.time)
    return row


PROJECTORS: Projectors = {
    ev.HandoffRequestedV1: requested,
    ev.HandoffReceivedV1: _status("received"),
    ev.HandoffAcceptedV1: _status("accepted"),
    ev.HandoffStartedV1: _status("in-progress"),
    ev.HandoffCancelledV1: _status("cancelled"),
    ev.HandoffDeclinedV1: _status("rejected"),
    ev.HandoffCompletedV1: _status("completed"),
    ev.HandoffEscalatedV1: escalated,
}
