"""The referral escalation: a referral whose reminders all went unanswered (or that a supervisor kept open
until a review that found it still unanswered) escalates to a supervisor, once each time, and stays open."""

from continuum_contracts.events import ReferralEscalatedV1
from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_handoff.reminder_schedule import waited_hours
from continuum_handoff.resolution_rules import escalation_reason
from continuum_handoff.store import Referral


def escalate_unanswered_referrals(uow: UnitOfWork) -> None:
    """An open referral past its escalate-at time: tell a supervisor, and remember which event asked."""
    now = uow.clock.now()
    query = (
        select(Referral)
        .where(col(Referral.escalate_at) <= now, Referral.status == TaskStatus.REQUESTED)
        .order_by(col(Referral.escalate_at))
        .with_for_update(skip_locked=True)
    )
    for referral in uow.session.exec(query).all():
        escalated = uow.emit(
            ReferralEscalatedV1(
                referral_id=referral.referral_id,
                to_party=referral.to_party,
                reason=escalation_reason(referral),
                reminders=referral.reminders_sent,
                waited_hours=waited_hours(referral.sent_at, now),
            ),
            episode_id=referral.episode_id,
        )
        # The board resolves an escalation by the id of the event that raised it.
        referral.escalated_at, referral.escalation_id, referral.escalate_at = now, escalated.id, None
        referral.resolution = referral.resolved_by = None
        uow.session.add(referral)
