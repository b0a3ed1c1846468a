"""Projects referrals (housing, treatment, peer support) onto their rows: sent, answered, reminded, escalated, and
how each ended when the partner never answered: closed, handed on at closure, or kept open by a supervisor."""

from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts import events as ev

from continuum_board.projection.change import Change, Projectors
from continuum_board.store import ReferralRow


def _row(change: Change, referral_id: UUID, envelope: Envelope, state: str) -> ReferralRow:
    """The referral's row, locked; a new one when its sending has not been seen (events may come out of order)."""
    row = change.session.get(ReferralRow, referral_id, with_for_update=True)
    if row is None:
        row = ReferralRow(
            referral_id=referral_id, episode_id=envelope.episode_id, status="requested", state=state,
            updated_at=envelope.time,
        )  # fmt: skip
    row.state, row.updated_at = state, envelope.time
    change.session.add(row)
    return row


def sent(change: Change, envelope: Envelope[ev.ReferralSentV1]) -> None:
    referral = envelope.data
    row = _row(change, referral.referral_id, envelope, "sent")
    row.kind, row.to_party, row.status = referral.kind, referral.to_party, referral.status
    row.sent_at, row.replaces = envelope.time, referral.replaces


def result(change: Change, envelope: Envelope[ev.ReferralResultRecordedV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "answered")
    row.result, row.status = envelope.data.result, envelope.data.status


def reminded(change: Change, envelope: Envelope[ev.ReferralReminderSentV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "reminded")
    row.reminders = max(row.reminders, envelope.data.reminder)


def escalated(change: Change, envelope: Envelope[ev.ReferralEscalatedV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "escalated")
    row.reminders, row.reason = max(row.reminders, envelope.data.reminders), envelope.data.reason


def closed(change: Change, envelope: Envelope[ev.ReferralClosedV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "closed")
    row.status, row.reason, row.owner = envelope.data.status, envelope.data.reason, envelope.data.closed_by


def handed_on(change: Change, envelope: Envelope[ev.ReferralHandedOnV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "handed_on")
    row.owner, row.reason = envelope.data.owner, envelope.data.reason


def kept_open(change: Change, envelope: Envelope[ev.ReferralKeptOpenV1]) -> None:
    row = _row(change, envelope.data.referral_id, envelope, "kept_open")
    row.owner, row.reason, row.review_at = envelope.data.kept_by, envelope.data.reason, envelope.data.review_at


PROJECTORS: Projectors = {
    ev.ReferralSentV1: sent,
    ev.ReferralResultRecordedV1: result,
    ev.ReferralReminderSentV1: reminded,
    ev.ReferralEscalatedV1: escalated,
    ev.ReferralClosedV1: closed,
    ev.ReferralHandedOnV1: handed_on,
    ev.ReferralKeptOpenV1: kept_open,
}
