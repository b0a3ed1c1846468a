"""Closing an episode exactly once, and never while a response of it is live or awaited, or a handoff open.

Any closure but the person's refusal waits for the last live response to end, for a response triage asked for and
dispatch has not yet sent, and for every warm handoff to be completed, declined or cancelled (a deferred close, with
the reason it would have had, in ``Plan.close_pending``). The refusal closes at once: care is voluntary, and
dispatch cancels a live response, handoff an open handoff, on ``episode.closed``. At
closure every check-in not finished is cancelled with an event, so the board sees each obligation's outcome.
"""

from uuid import UUID

from continuum_contracts.events import EpisodeClosedV1, FollowupCancelledV1
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session

from continuum_followup.domain import FINISHED, CancelReason, CheckinStatus, PlanStatus, closure_waits
from continuum_followup.live_handoffs import open_handoffs
from continuum_followup.live_responses import outstanding
from continuum_followup.plans import checkins_of, episode_known, new_plan, person_checkins, plan_for
from continuum_followup.store import Checkin, Plan


class EpisodeUnknown(LookupError):
    """Followup was never told of this episode."""


def waited_for(session: Session, episode_id: UUID) -> int:
    """What the episode's closure waits for: responses live or awaited, and handoffs open."""
    return outstanding(session, episode_id) + open_handoffs(session, episode_id)


def close(uow: UnitOfWork, plan: Plan, reason: ClosureReason) -> bool:
    """Close the plan once (its person check-ins cancelled; family support carries on), or defer the closure
    while a response is live or awaited, or a handoff open. True when the episode closed now."""
    if plan.status == PlanStatus.CLOSED:
        return False
    if closure_waits(reason, waited_for(uow.session, plan.episode_id)):
        plan.close_pending, plan.quiet_due = reason, None
        uow.session.add(plan)
        return False
    plan.status, plan.closed_at, plan.closure_reason = PlanStatus.CLOSED, uow.clock.now(), reason
    plan.quiet_due, plan.close_pending = None, None
    uow.session.add(plan)
    for checkin in person_checkins(uow.session, plan.plan_id):
        cancel(uow, checkin, CancelReason.EPISODE_CLOSED)
    uow.emit(EpisodeClosedV1(reason=reason), episode_id=plan.episode_id)
    return True


def close_if_pending(uow: UnitOfWork, episode_id: UUID) -> None:
    """A response or a handoff ended (or an awaited response will not come): a closure that waited for it happens
    now, if nothing else is live, awaited or open."""
    plan = plan_for(uow.session, episode_id, lock=True)
    if plan is not None and plan.status == PlanStatus.OPEN and plan.close_pending:
        close(uow, plan, ClosureReason(plan.close_pending))


def cancel(uow: UnitOfWork, checkin: Checkin, reason: CancelReason) -> None:
    """A check-in not finished will not happen: cancelled, with an event naming why."""
    if checkin.status in FINISHED:
        return
    checkin.status, checkin.overdue_at = CheckinStatus.CANCELLED, None
    uow.session.add(checkin)
    cancelled = FollowupCancelledV1(followup_id=checkin.followup_id, sequence=checkin.sequence, reason=reason)
    uow.emit(cancelled, episode_id=checkin.episode_id)


def decline(uow: UnitOfWork, episode_id: UUID) -> Plan:
    """The person declines further contact: recorded, every remaining check-in cancelled, the episode closed once,
    at once, even while a response is live. An episode followup never heard of is refused, and nothing changes."""
    plan = plan_for(uow.session, episode_id, lock=True)
    if plan is None:
        if not episode_known(uow.session, episode_id):
            raise EpisodeUnknown(episode_id)
        plan = new_plan(uow, episode_id)
    if plan.declined_at is None:
        plan.declined_at = uow.clock.now()
        uow.session.add(plan)
    close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
    for checkin in checkins_of(uow.session, plan.plan_id):
        cancel(uow, checkin, CancelReason.EPISODE_CLOSED)
    return plan
