"""Followup's plans: one per episode, in rounds; its person and family check-ins, and the quiet-period timer."""

from datetime import datetime, timedelta
from types import ModuleType
from uuid import UUID

import sqlalchemy as sa
from continuum_contracts.events import FollowupScheduledV1
from continuum_contracts.vocabulary import FollowupChannel
from continuum_kit.db import PerDialect
from continuum_kit.delivery import UnitOfWork
from sqlalchemy import Insert, bindparam, event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from continuum_followup.config import FollowupSettings
from continuum_followup.domain import CheckinStatus, PlanStatus, Recipient, quiet_until
from continuum_followup.schedule import checkin_schedule, hours_for
from continuum_followup.store import Checkin, EpisodeProgram, FamilyContact, LiveResponse, Plan


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


def episode_known(session: Session, episode_id: UUID) -> bool:
    """Followup knows an episode it was told of: triaged, a response of it, or a plan."""
    return any(
        session.exec(select(table.episode_id).where(table.episode_id == episode_id).limit(1)).first() is not None
        for table in (Plan, EpisodeProgram, LiveResponse)
    )


_CHECKINS = "continuum_followup.checkins"


def _known_checkins(session: Session) -> dict[UUID, list[Checkin]]:
    """Each plan's check-ins (every round, in sequence order) as this transaction has them: read once, then kept.

    An attempt, a closure and the quiet timer all ask for the same few rows; they are the session's own objects,
    so what the transaction changed in them shows, and a check-in added to the plan here is added to the list.
    Forgotten when the transaction (or a savepoint) ends, so a rolled-back check-in is never counted."""
    return session.info.setdefault(_CHECKINS, {})


@event.listens_for(Session, "after_transaction_end")
def _forget_checkins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None or transaction.nested:  # not a flush's own inner transaction
        session.info.pop(_CHECKINS, None)


def checkins_of(session: Session, plan_id: UUID, round_: int | None = None) -> list[Checkin]:
    """The plan's check-ins in sequence order: of one round, or of every round."""
    known = _known_checkins(session)
    if plan_id not in known:
        query = select(Checkin).where(Checkin.plan_id == plan_id).order_by(col(Checkin.sequence))
        known[plan_id] = list(session.exec(query))
    return [c for c in known[plan_id] if round_ is None or c.round == round_]


def person_checkins(session: Session, plan_id: UUID, round_: int | None = None) -> list[Checkin]:
    return [c for c in checkins_of(session, plan_id, round_) if c.recipient == Recipient.PERSON]


_PROGRAMS = EpisodeProgram.__table__


def _remember(dialect: ModuleType) -> Insert:
    """The program replaced; a response still awaited from an earlier triage stays awaited."""
    upsert = dialect.insert(_PROGRAMS)
    awaited = sa.or_(_PROGRAMS.c.response_awaited, upsert.excluded.response_awaited)
    return upsert.on_conflict_do_update(
        index_elements=[_PROGRAMS.c.episode_id], set_={"program": upsert.excluded.program, "response_awaited": awaited}
    )


_REMEMBER: PerDialect[Insert] = PerDialect(_remember)  # one statement, no read first: the primary key decides
_PROGRAM_OF = sa.select(_PROGRAMS.c.program).where(_PROGRAMS.c.episode_id == bindparam("episode"))


def remember_episode(session: Session, episode_id: UUID, program: str | None, *, awaited: bool = False) -> None:
    """The episode's program as triage last told it (a new contact's triage replaces it), and whether the response
    it asked for is awaited from dispatch."""
    connection = session.connection()
    values = {"episode_id": episode_id, "program": program, "response_awaited": awaited}
    connection.execute(_REMEMBER.on(connection), values)


def program_of(session: Session, episode_id: UUID) -> str | None:
    return session.connection().execute(_PROGRAM_OF, {"episode": episode_id}).scalar()


def new_plan(uow: UnitOfWork, episode_id: UUID) -> Plan:
    plan = Plan(episode_id=episode_id, status=PlanStatus.OPEN, created_at=uow.clock.now())
    uow.session.add(plan)
    uow.session.flush()
    _known_checkins(uow.session)[plan.plan_id] = []  # a new plan has none yet: nothing to read
    return plan


def arm_quiet(session: Session, plan: Plan, quiet_period_days: float, activity: datetime | None) -> None:
    """The quiet-period timer runs for an open round, from the later of its last due check-in and the last
    activity (an attempt, a re-engagement request, a supervisor's answer). A deferred closure needs no timer."""
    current = (
        []
        if plan.status != PlanStatus.OPEN or plan.close_pending
        else person_checkins(session, plan.plan_id, plan.round)
    )
    if not current:
        plan.quiet_due = None
    else:
        plan.quiet_due = quiet_until(max(c.due_at for c in current), activity, quiet_period_days)
    session.add(plan)


def _last_sequence(session: Session, plan: Plan) -> int:
    return max((c.sequence for c in checkins_of(session, plan.plan_id)), default=0)


def _add_checkin(
    uow: UnitOfWork, plan: Plan, due_at: datetime, recipient: Recipient, settings: FollowupSettings, sequence: int
) -> Checkin:
    # By phone: the contracts carry no preferred channel, so there is nothing else to go by yet.
    grace = timedelta(hours=settings.checkin_grace_hours)
    checkin = Checkin(
        episode_id=plan.episode_id,
        plan_id=plan.plan_id,
        sequence=sequence,
        round=plan.round,
        due_at=due_at,
        channel=FollowupChannel.PHONE,
        assigned_peer=settings.peer_pool_id,
        recipient=recipient,
        status=CheckinStatus.SCHEDULED,
        overdue_at=due_at + grace if recipient == Recipient.PERSON else None,
    )
    checkins_of(uow.session, plan.plan_id)  # the plan's list is known before the new one joins it
    uow.session.add(checkin)
    _known_checkins(uow.session)[plan.plan_id].append(checkin)
    uow.emit(
        FollowupScheduledV1(
            followup_id=checkin.followup_id,
            sequence=checkin.sequence,
            due_at=due_at,
            channel=FollowupChannel.PHONE,
            recipient=recipient,
            assigned_peer=settings.peer_pool_id,
        ),
        episode_id=plan.episode_id,
    )
    return checkin


def schedule_person(uow: UnitOfWork, plan: Plan, settings: FollowupSettings) -> None:
    """The episode's program decides when peers check in, for the plan's current round."""
    program = program_of(uow.session, plan.episode_id)
    hours = hours_for(program, settings.program_checkin_hours, settings.checkin_hours)
    last = _last_sequence(uow.session, plan)
    for n, (_, due_at) in enumerate(checkin_schedule(uow.clock.now(), hours), start=1):
        _add_checkin(uow, plan, due_at, Recipient.PERSON, settings, last + n)
    arm_quiet(uow.session, plan, settings.quiet_period_days, None)


def add_family_contact(uow: UnitOfWork, episode_id: UUID, relationship: str, settings: FollowupSettings) -> Checkin:
    """A consenting caregiver gets a check-in of their own; it never holds the plan open."""
    plan = plan_for(uow.session, episode_id, lock=True)
    if plan is None:
        raise PlanNotFound(episode_id)
    if plan.status == PlanStatus.CLOSED:
        raise PlanClosed(plan.closure_reason)
    due_at = checkin_schedule(uow.clock.now(), [settings.family_checkin_hours])[0][1]
    checkin = _add_checkin(uow, plan, due_at, Recipient.FAMILY, settings, _last_sequence(uow.session, plan) + 1)
    contact = FamilyContact(
        episode_id=episode_id, followup_id=checkin.followup_id, relationship=relationship, consented_at=uow.clock.now()
    )
    uow.session.add(contact)
    return checkin
