"""Followup's use cases: plan peer check-ins after a resolution, record attempts, close the episode when done."""

from dataclasses import dataclass
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeClosedV1,
    FollowupCompletedV1,
    FollowupScheduledV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import ClosureReason, FollowupChannel
from continuum_kit.consumer import Handler
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_followup.config import FollowupSettings
from continuum_followup.domain import (
    CLOSED,
    COMPLETED,
    OPEN,
    SCHEDULED,
    checkin_schedule,
    follow_up_wanted,
    plan_complete,
)
from continuum_followup.store import Attempt, Checkin, Plan


class CheckinNotFound(LookupError):
    pass


class CheckinAlreadyCompleted(Exception):
    def __init__(self, current_status: str) -> None:
        super().__init__(f"the check-in is {current_status}")
        self.current_status = current_status


@dataclass(frozen=True)
class AttemptRecorded:
    attempt: Attempt
    checkin: Checkin
    plan: Plan


def plan_for(session: Session, episode_id: UUID) -> Plan | None:
    return session.exec(select(Plan).where(Plan.episode_id == episode_id)).first()


def checkins_of(session: Session, plan_id: UUID) -> list[Checkin]:
    return list(session.exec(select(Checkin).where(Checkin.plan_id == plan_id).order_by(col(Checkin.sequence))))


def _close(uow: UnitOfWork, plan: Plan, reason: ClosureReason) -> None:
    plan.status, plan.closed_at, plan.closure_reason = CLOSED, uow.clock.now(), reason
    uow.session.add(plan)
    uow.emit(EpisodeClosedV1(reason=reason), episode_id=plan.episode_id)


def _schedule(uow: UnitOfWork, plan: Plan, checkin_hours: list[int], peer_pool_id: str) -> None:
    for sequence, due_at in checkin_schedule(uow.clock.now(), checkin_hours):
        checkin = Checkin(
            episode_id=plan.episode_id,
            plan_id=plan.plan_id,
            sequence=sequence,
            due_at=due_at,
            channel=FollowupChannel.PHONE,
            assigned_peer=peer_pool_id,
            status=SCHEDULED,
        )
        uow.session.add(checkin)
        uow.emit(
            FollowupScheduledV1(
                followup_id=checkin.followup_id,
                sequence=sequence,
                due_at=due_at,
                channel=FollowupChannel.PHONE,
                assigned_peer=peer_pool_id,
            ),
            episode_id=plan.episode_id,
        )


def plan_followup(uow: UnitOfWork, envelope: Envelope, checkin_hours: list[int], peer_pool_id: str) -> None:
    """One plan per episode: peer check-ins, or, if the person declined services, a recorded refusal."""
    resolved = envelope.data
    assert isinstance(resolved, ResponseResolvedV1)
    if plan_for(uow.session, envelope.episode_id) is not None:
        return
    plan = Plan(episode_id=envelope.episode_id, status=OPEN, created_at=uow.clock.now())
    uow.session.add(plan)
    uow.session.flush()
    if follow_up_wanted(resolved.disposition):
        _schedule(uow, plan, checkin_hours, peer_pool_id)
    else:
        _close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)


def _locked(uow: UnitOfWork, followup_id: UUID) -> tuple[Checkin, Plan]:
    # The plan is locked first, so that two check-ins completed at once still close the plan exactly once.
    found = uow.session.get(Checkin, followup_id)
    if found is None:
        raise CheckinNotFound(followup_id)
    plan = uow.session.get(Plan, found.plan_id, with_for_update=True, populate_existing=True)
    checkin = uow.session.get(Checkin, followup_id, with_for_update=True, populate_existing=True)
    assert plan is not None and checkin is not None
    return checkin, plan


def record_attempt(uow: UnitOfWork, followup_id: UUID, reached: bool, channel: FollowupChannel) -> AttemptRecorded:
    """Record a try at reaching the person; reaching them completes the check-in, the last one the plan."""
    checkin, plan = _locked(uow, followup_id)
    if checkin.status == COMPLETED:
        raise CheckinAlreadyCompleted(checkin.status)
    now = uow.clock.now()
    attempt = Attempt(followup_id=followup_id, reached=reached, channel=channel, attempted_at=now)
    checkin.attempts += 1
    uow.session.add_all([attempt, checkin])
    if reached:
        checkin.status, checkin.completed_at = COMPLETED, now
        uow.emit(
            FollowupCompletedV1(
                followup_id=followup_id, sequence=checkin.sequence, reached=True, attempts=checkin.attempts
            ),
            episode_id=checkin.episode_id,
        )
        uow.session.flush()
        if plan.status == OPEN and plan_complete([c.status for c in checkins_of(uow.session, plan.plan_id)]):
            _close(uow, plan, ClosureReason.PLAN_COMPLETE)
    return AttemptRecorded(attempt, checkin, plan)


PUBLISHES = ("continuum.followup.scheduled.v1", "continuum.followup.completed.v1", "continuum.episode.closed.v1")


def build_handlers(settings: FollowupSettings) -> dict[str, Handler]:
    def on_resolved(uow: UnitOfWork, envelope: Envelope) -> None:
        plan_followup(uow, envelope, settings.checkin_hours, settings.peer_pool_id)

    return {"continuum.response.resolved.v1": on_resolved}
