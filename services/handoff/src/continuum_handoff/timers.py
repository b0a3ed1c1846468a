"""Handoff's timers, swept on the kit's interval: an unaccepted handoff escalates, an open referral is reminded.

Each sweep reads the injectable clock and takes due rows with SKIP LOCKED, so that two handoff
instances never act on the same row twice.
"""

from continuum_contracts.events import HandoffEscalatedV1, ReferralReminderSentV1
from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep
from sqlmodel import col, select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import (
    AWAITING_ACCEPTANCE,
    NOT_ACCEPTED_IN_TIME,
    next_reminder_at,
    reminders_due,
    waited_minutes,
)
from continuum_handoff.store import Handoff, Referral


def escalate_unaccepted(uow: UnitOfWork) -> int:
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
    return len(due)


def remind_open_referrals(uow: UnitOfWork, settings: HandoffSettings) -> int:
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
    return len(due)


def build_sweeps(settings: HandoffSettings) -> list[Sweep]:
    def escalate_handoffs_not_accepted_in_time(uow: UnitOfWork) -> None:
        escalate_unaccepted(uow)

    def remind_partners_of_open_referrals(uow: UnitOfWork) -> None:
        remind_open_referrals(uow, settings)

    return [escalate_handoffs_not_accepted_in_time, remind_partners_of_open_referrals]
