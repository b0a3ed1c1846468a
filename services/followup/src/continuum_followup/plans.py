"""Followup's plans: one per episode, its person and family check-ins, and closing it exactly once."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.events import EpisodeClosedV1, FollowupScheduledV1
from continuum_contracts.vocabulary import ClosureReason, FollowupChannel
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, func, select

from continuum_followup.config import FollowupSettings
from continuum_followup.domain import FINISHED, CheckinStatus, PlanStatus, Recipient, quiet_until
from continuum_followup.schedule import checkin_schedule, hours_for
from continuum_followup.store import Checkin, EpisodeProgram, FamilyContact, Plan


class PlanNotFound(LookupError):
    pass


class PlanClosed(Exception):
    def __init__(self, closure_reason: str | None) -> None:
        super().__init__(f"the plan is closed ({closure_reason})")
        self.closure_reason = closure_reason


def plan_for(session: Session, episode_id: UUID, *, lock: bool = False) -> Plan | None:
    query = select(Plan).where(Plan.episode_id == episode_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def checkins_of(session: Session, plan_id: UUID) -> list[Checkin]:
    return list(session.exec(select(Checkin).where(Checkin.plan_id == plan_id).order_by(col(Checkin.sequence))))


def person_checkins(session: Session, plan_id: UUID) -> list[Checkin]:
    return [c for c in checkins_of(session, plan_id) if c.recipient == Recipient.PERSON]


def remember_episode(session: Session, episode_id: UUID, program: str | None) -> None:
    known = session.get(EpisodeProgram, episode_id, with_for_update=True) or EpisodeProgram(episode_id=episode_id)
    known.program = program
    session.add(known)


def new_plan(uow: UnitOfWork, episode_id: UUID) -> Plan:
    plan = Plan(episode_id=episode_id, status=PlanStatus.OPEN, created_at=uow.clock.now())
    uow.session.add(plan)
    uow.session.flush()
    return plan


def close(uow: UnitOfWork, plan: Plan, reason: ClosureReason) -> None:
    """Close the plan once: what the person still had scheduled is cancelled (family support carries on)."""
    plan.status, plan.closed_at, plan.closure_reason, plan.quiet_due = PlanStatus.CLOSED, uow.clock.now(), reason, None
    uow.session.add(plan)
    for checkin in person_checkins(uow.session, plan.plan_id):
        _cancel(uow.session, checkin)
    uow.emit(EpisodeClosedV1(reason=reason), episode_id=plan.episode_id)


def _cancel(session: Session, checkin: Checkin) -> None:
    if checkin.status not in FINISHED:
        checkin.status = CheckinStatus.CANCELLED
        session.add(checkin)


def _add_checkin(uow: UnitOfWork, plan: Plan, due_at: datetime, recipient: Recipient, peer: str) -> Checkin:
    # By phone: the contracts carry no preferred channel, so there is nothing else to go by yet.
    last = uow.session.exec(select(func.max(Checkin.sequence)).where(Checkin.plan_id == plan.plan_id)).one()
    checkin = Checkin(
        episode_id=plan.episode_id,
        plan_id=plan.plan_id,
        sequence=(last or 0) + 1,
        due_at=due_at,
        channel=FollowupChannel.PHONE,
        assigned_peer=peer,
        recipient=recipient,
        status=CheckinStatus.SCHEDULED,
    )
    uow.session.add(checkin)
    uow.session.flush()
    uow.emit(
        FollowupScheduledV1(
            followup_id=checkin.followup_id,
            sequence=checkin.sequence,
            due_at=due_at,
            channel=FollowupChannel.PHONE,
            recipient=recipient,
            assigned_peer=peer,
        ),
        episode_id=plan.episode_id,
    )
    return checkin


def schedule_person(uow: UnitOfWork, plan: Plan, settings: FollowupSettings) -> None:
    """The episode's program decides when peers check in."""
    known = uow.session.get(EpisodeProgram, plan.episode_id)
    program = known.program if known else None
    hours = hours_for(program, settings.program_checkin_hours, settings.checkin_hours)
    due = [due_at for _, due_at in checkin_schedule(uow.clock.now(), hours)]
    for due_at in due:
        _add_checkin(uow, plan, due_at, Recipient.PERSON, settings.peer_pool_id)
    plan.quiet_due = quiet_until(max(due), None, settings.quiet_period_days)
    uow.session.add(plan)


def add_family_contact(uow: UnitOfWork, episode_id: UUID, relationship: str, settings: FollowupSettings) -> Checkin:
    """A consenting caregiver gets a check-in of their own; it never holds the plan open."""
    plan = plan_for(uow.session, episode_id, lock=True)
    if plan is None:
        raise PlanNotFound(episode_id)
    if plan.status != PlanStatus.OPEN:
        raise PlanClosed(plan.closure_reason)
    due_at = checkin_schedule(uow.clock.now(), [settings.family_checkin_hours])[0][1]
    checkin = _add_checkin(uow, plan, due_at, Recipient.FAMILY, settings.peer_pool_id)
    contact = FamilyContact(
        episode_id=episode_id, followup_id=checkin.followup_id, relationship=relationship, consented_at=uow.clock.now()
    )
    uow.session.add(contact)
    return checkin


def decline(uow: UnitOfWork, episode_id: UUID) -> Plan:
    """The person declines further contact: recorded, every remaining check-in cancelled, the episode closed once."""
    plan = plan_for(uow.session, episode_id, lock=True) or new_plan(uow, episode_id)
    if plan.declined_at is None:
        plan.declined_at = uow.clock.now()
        uow.session.add(plan)
    for checkin in checkins_of(uow.session, plan.plan_id):
        _cancel(uow.session, checkin)
    if plan.status == PlanStatus.OPEN:
        close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
    return plan
