"""The completion window: when an accepted warm handoff must be completed by, and how long it has waited.

Pure, no I/O; the escalation use case (escalation.py) applies it. The window runs from the acceptance: a
receiving partner that accepted and then went silent leaves the person between two owners.
"""

from datetime import datetime, timedelta

NOT_COMPLETED_IN_TIME = "not_completed_in_time"


def complete_by(accepted_at: datetime, complete_within_minutes: float) -> datetime:
    return accepted_at + timedelta(minutes=complete_within_minutes)
