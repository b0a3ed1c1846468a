"""The acceptance window: when a warm handoff must be accepted by, and how long it waited when it was not.

Pure, no I/O; the escalation use case (escalation.py) applies it.
"""

from datetime import datetime, timedelta

NOT_ACCEPTED_IN_TIME = "not_accepted_in_time"


def accept_by(requested_at: datetime, accept_within_minutes: float) -> datetime:
    return requested_at + timedelta(minutes=accept_within_minutes)


def waited_minutes(requested_at: datetime, now: datetime) -> int:
    return max(0, int((now - requested_at).total_seconds() // 60))
