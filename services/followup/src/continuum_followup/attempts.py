"""Peers' attempts to reach the person: every one published as codes; reaching completes, silence re-engages."""

from dataclasses import dataclass, field
from uuid import UUID

from continuum_contracts.events import FollowupAttemptedV1, FollowupCompletedV1, FollowupRiskFoundV1
from continuum_contracts.vocabulary import ClosureReason, FollowupChannel, Need, SafetyFlag
from continuum_kit.db import writes_serialized
from continuum_kit.delivery import UnitOfWork

from continuum_followup.closure import close
from continuum_followup.config import FollowupSettings
from continuum_followup.domain import (
    FINISHED,
    CheckinStatus,
    PlanStatus,
    Recipient,
    ReengagementReason,
    attempts_exhausted,
    plan_complete,
)
from continuum_followup.plans import arm_quiet, person_checkins
from continuum_followup.reengagement import answer_reengagement, request_reengagement
from continuum_followup.rounds import suspend
from continuum_followup.store import Attempt, Checkin, Plan


class CheckinNotFound(LookupError):
    pass


class CheckinAlreadyCompleted(Exception):
    """The check-in is completed or cancelled (the episode reopened or closed): nothing more to attempt."""

    def __init__(self, current_status: str) -> None:
        super().__init__(f"the check-in is {current_status}")
        self.current_status = current_status


@dataclass(frozen=True)
class Finding:
    """What the peer reports from one attempt, as codes only."""

    reached: bool
    channel: FollowupChannel = FollowupChannel.PHONE
    wellbeing: str | None = None
    new_needs: list[Need] = field(default_factory=list)
    renewed_risk: bool = False
    safety_flags: list[SafetyFlag] = field(default_factory=list)


@dataclass(frozen=True)
class AttemptRecorded:
    attempt: Attempt
    checkin: Checkin
    plan: Plan


def _locked(uow: UnitOfWork, followup_id: UUID) -> tuple[Checkin, Plan]:
    # The plan is locked first, so that two check-ins completed at once still close the plan exactly once.
    found = uow.session.get(Checkin, followup_id)
    if found is None:
        raise CheckinNotFound(followup_id)
    if writes_serialized(uow.session):  # what this transaction read, no other can change: no locks to take
        plan = uow.session.get(Plan, found.plan_id)
        assert plan is not None
        return found, plan
    plan = uow.session.get(Plan, found.plan_id, with_for_update=True, populate_existing=True)
    checkin = uow.session.get(Checkin, followup_id, with_for_update=True, populate_existing=True)
    assert plan is not None and checkin is not None
    return checkin, plan


class NotAssigned(Exception):
    """A partner tried to record a check-in assigned to another peer team."""

    def __init__(self, assigned_peer: str) -> None:
        super().__init__(f"assigned to {assigned_peer}")
        self.assigned_peer = assigned_peer


def record_attempt(
    uow: UnitOfWork, followup_id: UUID, finding: Finding, settings: FollowupSettings, peer: str
) -> AttemptRecorded:
    """Record a try at reaching someone; reaching them completes the check-in, the last person one the plan.

    Only the peer team the check-in is assigned to may record it."""
    checkin, plan = _locked(uow, followup_id)
    if checkin.assigned_peer != peer:
        raise NotAssigned(checkin.assigned_peer)
    if checkin.status in FINISHED:
        raise CheckinAlreadyCompleted(checkin.status)
    attempt = Attempt(
        followup_id=followup_id,
        reached=finding.reached,
        channel=finding.channel,
        attempted_at=uow.clock.now(),
        wellbeing=finding.wellbeing,
        renewed_risk=finding.renewed_risk,
    )
    checkin.attempts, checkin.overdue_at = checkin.attempts + 1, None
    if checkin.status == CheckinStatus.SCHEDULED:
        answer_reengagement(uow, checkin)  # a request still outstanding here was for an overdue check-in
    uow.session.add_all([attempt, checkin])
    _publish_attempt(uow, checkin, finding)
    if finding.renewed_risk:
        risk = FollowupRiskFoundV1(followup_id=followup_id, safety_flags=finding.safety_flags, needs=finding.new_needs)
        uow.emit(risk, episode_id=checkin.episode_id)
    if finding.reached:
        _complete(uow, checkin, plan, close_when_done=not finding.renewed_risk)
    else:
        _missed(uow, checkin, plan, settings)
    if finding.renewed_risk and checkin.recipient == Recipient.PERSON:
        suspend(uow, plan)  # the person comes back through intake: the round gives way, as on a new contact
    if checkin.recipient == Recipient.PERSON:  # an attempt on the person restarts the quiet period
        arm_quiet(uow.session, plan, settings.quiet_period_days, uow.clock.now())
    return AttemptRecorded(attempt, checkin, plan)


def _publish_attempt(uow: UnitOfWork, checkin: Checkin, finding: Finding) -> None:
    attempted = FollowupAttemptedV1(
        followup_id=checkin.followup_id,
        sequence=checkin.sequence,
        reached=finding.reached,
        attempts=checkin.attempts,
        channel=finding.channel,
        wellbeing=finding.wellbeing,
        new_needs=finding.new_needs,
    )
    uow.emit(attempted, episode_id=checkin.episode_id)


def _complete(uow: UnitOfWork, checkin: Checkin, plan: Plan, *, close_when_done: bool) -> None:
    checkin.status, checkin.completed_at = CheckinStatus.COMPLETED, uow.clock.now()
    answer_reengagement(uow, checkin)  # the person was reached: any outreach asked for is answered
    completed = FollowupCompletedV1(
        followup_id=checkin.followup_id, sequence=checkin.sequence, reached=True, attempts=checkin.attempts
    )
    uow.emit(completed, episode_id=checkin.episode_id)
    current = person_checkins(uow.session, plan.plan_id, plan.round)
    if close_when_done and plan.status == PlanStatus.OPEN and plan_complete([c.status for c in current]):
        close(uow, plan, ClosureReason.PLAN_COMPLETE)


def _missed(uow: UnitOfWork, checkin: Checkin, plan: Plan, settings: FollowupSettings) -> None:
    """Once every allowed attempt failed the check-in is unreachable; for the person, outreach is asked once."""
    if checkin.status != CheckinStatus.SCHEDULED or not attempts_exhausted(checkin.attempts, settings.max_attempts):
        return
    checkin.status = CheckinStatus.UNREACHABLE
    uow.session.add(checkin)
    if checkin.recipient == Recipient.PERSON:
        request_reengagement(uow, plan, checkin, ReengagementReason.ATTEMPTS_EXHAUSTED, settings.quiet_period_days)
