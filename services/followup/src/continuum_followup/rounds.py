"""A person who comes back: the old round's check-ins give way to a fresh obligation set.

When the episode reopens (a new contact, or a new response assigned while the plan is open) the current
round's remaining person check-ins are cancelled (``episode_reopened``) and the plan is suspended: nothing of
the old round may close the episode while the new response is live. When that response is resolved, a new
round of check-ins is scheduled on the same plan, by the episode's program, as the first one was.
"""

from continuum_contracts.vocabulary import ClosureReason, Disposition
from continuum_kit.delivery import UnitOfWork

from continuum_followup.closure import cancel, close
from continuum_followup.config import FollowupSettings
from continuum_followup.domain import CancelReason, PlanStatus, follow_up_wanted
from continuum_followup.plans import person_checkins, schedule_person
from continuum_followup.store import Plan


def suspend(uow: UnitOfWork, plan: Plan) -> None:
    """The person came back: the open round ends without closing anything (family support carries on)."""
    if plan.status != PlanStatus.OPEN:
        return
    for checkin in person_checkins(uow.session, plan.plan_id, plan.round):
        cancel(uow, checkin, CancelReason.EPISODE_REOPENED)
    plan.status, plan.quiet_due, plan.close_pending = PlanStatus.SUSPENDED, None, None
    uow.session.add(plan)


def resume(uow: UnitOfWork, plan: Plan, disposition: Disposition, settings: FollowupSettings) -> None:
    """The new response was resolved: a new round of check-ins, or the person's refusal closes the episode."""
    if plan.status != PlanStatus.SUSPENDED:
        return
    if not follow_up_wanted(disposition):
        close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
        return
    plan.round, plan.status = plan.round + 1, PlanStatus.OPEN
    uow.session.add(plan)
    schedule_person(uow, plan, settings)
