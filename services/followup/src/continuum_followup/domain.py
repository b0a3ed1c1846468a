"""Follow-up rules: whether a trigger calls for follow-up, when check-ins fall due, when a plan is done or quiet.

Pure functions, no I/O. Care is voluntary: a person who declined services is not followed up,
and the refusal closes the episode. Family check-ins support caregivers and never hold a plan open.
"""

from datetime import datetime, timedelta

from continuum_contracts.vocabulary import Disposition

SCHEDULED, COMPLETED, UNREACHABLE, CANCELLED = "scheduled", "completed", "unreachable", "cancelled"
OPEN, CLOSED = "open", "closed"
PERSON, FAMILY = "person", "family"
ATTEMPTS_EXHAUSTED = "attempts_exhausted"
FINISHED = frozenset({COMPLETED, CANCELLED})


def follow_up_wanted(disposition: Disposition) -> bool:
    return disposition is not Disposition.DECLINED_SERVICES


def hours_for(program: str | None, program_hours: dict[str, list[float]], default: list[float]) -> list[float]:
    """The program's own check-in hours, else the default schedule."""
    return program_hours.get(program, default) if program else default


def checkin_schedule(start: datetime, hours: list[float]) -> list[tuple[int, datetime]]:
    """(sequence, due_at) for each check-in, numbered from 1 in the order they fall due."""
    return [(sequence, start + timedelta(hours=h)) for sequence, h in enumerate(sorted(set(hours)), start=1)]


def plan_complete(person_statuses: list[str]) -> bool:
    return bool(person_statuses) and all(status == COMPLETED for status in person_statuses)


def attempts_exhausted(failed_attempts: int, max_attempts: int) -> bool:
    return failed_attempts >= max_attempts


def quiet_until(last_due: datetime, last_activity: datetime | None, quiet_period_days: float) -> datetime:
    """A plan is quiet once this passes with no further activity: counted from the later of the last due
    check-in and the last attempt (or re-engagement request)."""
    start = max(last_due, last_activity) if last_activity else last_due
    return start + timedelta(days=quiet_period_days)
