"""Followup's timers, swept on the kit's interval: a plan silent for the quiet period is closed (or its closure
deferred while a response is live), and a check-in its peer has not attempted within the grace is escalated.

The sweeps read the injectable clock and take due plans with SKIP LOCKED, so that two followup
instances never close the same plan, or escalate the same check-in, twice.
"""

import logging

from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep
from sqlmodel import col, select

from continuum_followup.closure import close
from continuum_followup.config import FollowupSettings
from continuum_followup.domain import PlanStatus
from continuum_followup.reengagement import escalate_overdue
from continuum_followup.store import Plan

log = logging.getLogger(__name__)


def close_quiet_plans(uow: UnitOfWork) -> int:
    """Close each open plan whose quiet period has passed with no attempt, re-engagement request or answer."""
    query = (
        select(Plan)
        .where(Plan.status == PlanStatus.OPEN, col(Plan.quiet_due) <= uow.clock.now())
        .order_by(col(Plan.quiet_due))
        .with_for_update(skip_locked=True)
    )
    quiet = uow.session.exec(query).all()
    for plan in quiet:
        closed = close(uow, plan, ClosureReason.QUIET_PERIOD_ELAPSED)
        log.info("follow-up plan %s quiet: %s", plan.plan_id, "closed" if closed else "closure waits for a response")
    return len(quiet)


def build_sweeps(settings: FollowupSettings) -> list[Sweep]:
    def close_silent_plans(uow: UnitOfWork) -> None:
        close_quiet_plans(uow)

    def escalate_overdue_checkins(uow: UnitOfWork) -> None:
        escalate_overdue(uow, settings)

    return [close_silent_plans, escalate_overdue_checkins]
