"""Follow-up rules: who is followed up, the statuses of plans and check-ins, when a plan is done or quiet.

Pure functions, no I/O. Care is voluntary: a person who declined services is not followed up,
and the refusal closes the episode, even while a response is live; any other closure waits for the last live
response to end and the last open handoff (a deferred close). Family check-ins support caregivers and never hold
a plan open.
When check-ins fall due is the follow-up schedule (schedule.py).
"""

from datetime import datetime, timedelta
from enum import StrEnum

from continuum_contracts.vocabulary import ClosureReason, Disposition


class CheckinStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"


class PlanStatus(StrEnum):
    """Open: the current round's check-ins run. Suspended: the person came back and a new response is live, so
    nothing of the old round may close the episode; a new round starts when that response is resolved."""

    OPEN = "open"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class Recipient(StrEnum):
    """Whom a check-in is with: the person, or a caregiver who consented to support."""

    PERSON = "person"
    FAMILY = "family"


class ReengagementReason(StrEnum):
    """Why a human is asked to reach the person: every attempt failed (the board's ``checkins_exhausted``), or
    the assigned peer team made no attempt within the grace after the check-in fell due."""

    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    CHECKIN_OVERDUE = "checkin_overdue"


class CancelReason(StrEnum):
    """Why a check-in will not happen: the person came back (a fresh round replaces it), or the episode closed."""

    EPISODE_REOPENED = "episode_reopened"
    EPISODE_CLOSED = "episode_closed"


FINISHED = frozenset({CheckinStatus.COMPLETED, CheckinStatus.CANCELLED})


def follow_up_wanted(disposition: Disposition) -> bool:
    return disposition is not Disposition.DECLINED_SERVICES


def plan_complete(person_statuses: list[str]) -> bool:
    return bool(person_statuses) and all(status == CheckinStatus.COMPLETED for status in person_statuses)


def closure_waits(reason: ClosureReason, outstanding: int) -> bool:
    """The episode never closes while a response is live or awaited or a handoff open, except on the person's own
    refusal."""
    return outstanding > 0 and reason != ClosureReason.DECLINED_FURTHER_CONTACT


def attempts_exhausted(failed_attempts: int, max_attempts: int) -> bool:
    return failed_attempts >= max_attempts


def quiet_until(last_due: datetime, last_activity: datetime | None, quiet_period_days: float) -> datetime:
    """A plan is quiet once this passes with no further activity: counted from the later of the last due
    check-in and the last attempt (or re-engagement request)."""
    start = max(last_due, last_activity) if last_activity else last_due
    return start + timedelta(days=quiet_period_days)
