"""The referral reminder: an open referral's partner is reminded on the schedule until it reports a result."""

from continuum_contracts.events import ReferralReminderSentV1
from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.reminder_schedule import next_reminder_at, reminders_due
from continuum_handoff.store import Referral


def remind_open_referrals(uow: UnitOfWork, settings: HandoffSettings) -> None:
    """An open referral past its next reminder time: remind the partner (the latest reminder due, each once)."""
    now = uow.clock.now()
    query = (
        select(Referral)
        .where(col(Referral.next_reminder_at) <= now, Referral.status == TaskStatus.REQUESTED)
        .order_by(col(Referral.next_reminder_at))
        .with_for_update(skip_locked=True)
    )
    due = uow.session.exec(query).all()
    for referral in due:
        schedule = settings.referral_reminder_hours
        reminder = max(reminders_due(referral.sent_at, schedule, now), referral.reminders_sent + 1)
        referral.reminders_sent = reminder
        referral.next_reminder_at = next_reminder_at(referral.sent_at, schedule, reminder)
        uow.session.add(referral)
        uow.emit(
            ReferralReminderSentV1(referral_id=referral.referral_id, to_party=referral.to_party, reminder=reminder),
            episode_id=referral.episode_id,
        )
