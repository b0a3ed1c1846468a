"""Follow-up rules: whether a resolution calls for follow-up, when check-ins fall due, when a plan is done.

Pure functions, no I/O. Care is voluntary: a person who declined services is not followed up,
and the refusal closes the episode.
"""

from datetime import datetime, timedelta

from continuum_contracts.vocabulary import Disposition

SCHEDULED, COMPLETED = "scheduled", "completed"
OPEN, CLOSED = "open", "closed"


def follow_up_wanted(disposition: Disposition) -> bool:
    return disposition is not Disposition.DECLINED_SERVICES


def checkin_schedule(resolved_at: datetime, hours: list[int]) -> list[tuple[int, datetime]]:
    """(sequence, due_at) for each check-in, numbered from 1 in the order they fall due."""
    return [(sequence, resolved_at + timedelta(hours=h)) for sequence, h in enumerate(sorted(set(hours)), start=1)]


def plan_complete(checkin_statuses: list[str]) -> bool:
    return bool(checkin_statuses) and all(status == COMPLETED for status in checkin_statuses)
