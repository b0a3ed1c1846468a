"""Re-engagement: a human is asked to reach the person when the check-in's owner drops out or its deadline passes.

Two escalations, each one ``reengagement.requested`` with its reason: every attempt failed (``attempts_exhausted``,
what the board shows as check-ins exhausted), or the assigned peer team made no attempt within the grace after
the check-in fell due (``checkin_overdue``). A request restarts the quiet period, so a human has a whole one to
act; a supervisor's ``escalation.resolved`` naming it restarts it again. If it still elapses, the closure is not
silent: the check-in asked about is cancelled with ``followup.cancelled`` (``episode_closed``) before
``episode.closed``.
"""

import logging

from continuum_contracts import Envelope
from continuum_contracts.events import EscalationResolvedV1, ReengagementRequestedV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_followup.config import FollowupSettings
from continuum_followup.domain import CheckinStatus, PlanStatus, Recipient, ReengagementReason
from continuum_followup.plans import arm_quiet
from continuum_followup.store import Checkin, Plan

log = logging.getLogger(__name__)


def request_reengagement(
    uow: UnitOfWork, plan: Plan, checkin: Checkin, reason: ReengagementReason, quiet_period_days: float
) -> None:
    """Ask for outreach once per check-in while a request is outstanding; the quiet period counts from it."""
    if checkin.reengagement_id is not None:
        return
    request = ReengagementRequestedV1(followup_id=checkin.followup_id, attempts=checkin.attempts, reason=reason)
    checkin.reengagement_id = uow.emit(request, episode_id=checkin.episode_id).id
    uow.session.add(checkin)
    arm_quiet(uow.session, plan, quiet_period_days, uow.clock.now())


def answer_reengagement(uow: UnitOfWork, checkin: Checkin) -> None:
    checkin.reengagement_id = None
    uow.session.add(checkin)


def escalate_overdue(uow: UnitOfWork, settings: FollowupSettings) -> None:
    """Each person check-in past due by the grace with no attempt by its peer team goes to a human."""
    now = uow.clock.now()
    due = select(Checkin.plan_id).where(col(Checkin.overdue_at) <= now)
    plans = uow.session.exec(
        select(Plan).where(col(Plan.plan_id).in_(due)).with_for_update(skip_locked=True)  # the plan first, as attempts
    ).all()
    for plan in plans:
        query = select(Checkin).where(Checkin.plan_id == plan.plan_id, col(Checkin.overdue_at) <= now)
        for checkin in uow.session.exec(query.with_for_update()).all():
            checkin.overdue_at = None
            uow.session.add(checkin)
            unattempted = checkin.status == CheckinStatus.SCHEDULED and checkin.attempts == 0
            if plan.status == PlanStatus.OPEN and unattempted and checkin.recipient == Recipient.PERSON:
                request_reengagement(uow, plan, checkin, ReengagementReason.CHECKIN_OVERDUE, settings.quiet_period_days)
                log.info("check-in %s overdue: re-engagement requested", checkin.followup_id)


def supervisor_answered(uow: UnitOfWork, envelope: Envelope[EscalationResolvedV1], settings: FollowupSettings) -> None:
    """A supervisor resolved a re-engagement request of ours: the quiet period counts again from now."""
    query = select(Checkin).where(Checkin.reengagement_id == envelope.data.escalation_id)
    checkin = uow.session.exec(query).first()
    if checkin is None:
        return  # another service's escalation
    plan = uow.session.get(Plan, checkin.plan_id, with_for_update=True, populate_existing=True)
    assert plan is not None
    answer_reengagement(uow, checkin)
    uow.session.flush()
    arm_quiet(uow.session, plan, settings.quiet_period_days, uow.clock.now())
