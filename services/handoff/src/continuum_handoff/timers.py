"""Handoff's timers, swept on the kit's interval: an unaccepted or stalled handoff escalates, an open referral
is reminded, and a referral whose reminders all went unanswered escalates to a supervisor.

Each sweep reads the injectable clock and takes due rows with SKIP LOCKED, so that two handoff
instances never act on the same row twice.
"""

from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep

from continuum_handoff.config import HandoffSettings
from continuum_handoff.escalation import escalate_stalled, escalate_unaccepted
from continuum_handoff.referral_escalation import escalate_unanswered_referrals
from continuum_handoff.reminders import remind_open_referrals


def build_sweeps(settings: HandoffSettings) -> list[Sweep]:
    def escalate_handoffs_not_accepted_in_time(uow: UnitOfWork) -> None:
        escalate_unaccepted(uow)

    def escalate_handoffs_not_completed_in_time(uow: UnitOfWork) -> None:
        escalate_stalled(uow)

    def remind_partners_of_open_referrals(uow: UnitOfWork) -> None:
        remind_open_referrals(uow, settings)

    def escalate_unanswered_referrals_to_a_supervisor(uow: UnitOfWork) -> None:
        escalate_unanswered_referrals(uow)

    # Reminders before the referral escalation, so that a late sweep sends the last reminder first.
    return [
        escalate_handoffs_not_accepted_in_time,
        escalate_handoffs_not_completed_in_time,
        remind_partners_of_open_referrals,
        escalate_unanswered_referrals_to_a_supervisor,
    ]
