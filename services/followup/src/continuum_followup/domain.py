"""Follow-up rules: who is followed up, the statuses of plans and check-ins, when a plan is done or quiet.

Pure functions, no I/O. Care is voluntary: a person who declined services is not followed up,
and the refusal closes the episode. Family check-ins support caregivers and never hold a plan open.
When check-ins fall due is the follow-up schedule (schedule.py).
"""

from datetime import datetime, timedelta
from enum import StrEnum

from continuum_contracts.vocabulary import Disposition


class CheckinStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"


class PlanStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Recipient(StrEnum):
    """Whom a check-in is with: the person, or a caregiver who consented to support."""

    PERSON = "person"
    FAMILY = "family"


class ReengagementReason(StrEnum):
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"


FINISHED = frozenset({CheckinStatus.COMPLETED, CheckinStatus.CANCELLED})


def follow_up_wanted(disposition: Disposition) -> bool:
    return disposition is not Disposition.DECLINED_SERVICES


def plan_complete(person_statuses: list[str]) -> bool:
    return bool(person_statuses) and all(status == CheckinStatus.COMPLETED for status in person_statuses)


def attempts_exhausted(failed_attempts: int, max_attempts: int) -> bool:
    return failed_attempts >= max_attempts


def quiet_until(last_due: datetime, last_activity: datetime | None, quiet_period_days: float) -> datetime:
    """A plan is quiet once this passes with no further activity: counted from the later of the last due
    check-in and the last attempt (or re-engagement request)."""
    start = max(last_due, last_activity) if last_activity else last_due
    return start + timedelta(days=quiet_period_days)
