"""Handoff's timers, swept on the kit's interval: an unaccepted handoff escalates, an open referral is reminded.

Each sweep reads the injectable clock and takes due rows with SKIP LOCKED, so that two handoff
instances never act on the same row twice.
"""

from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep

from continuum_handoff.config import HandoffSettings
from continuum_handoff.escalation import escalate_unaccepted
from continuum_handoff.reminders import remind_open_referrals


def build_sweeps(settings: HandoffSettings) -> list[Sweep]:
    def escalate_handoffs_not_accepted_in_time(uow: UnitOfWork) -> None:
        escalate_unaccepted(uow)

    def remind_partners_of_open_referrals(uow: UnitOfWork) -> None:
        remind_open_referrals(uow, settings)

    return [escalate_handoffs_not_accepted_in_time, remind_partners_of_open_referrals]
