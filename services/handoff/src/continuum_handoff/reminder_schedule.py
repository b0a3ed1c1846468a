"""The referral reminder schedule: when an open referral's partner is reminded, and when its silence escalates.

Pure, no I/O; the reminder use case (reminders.py) applies it.
"""

from datetime import datetime, timedelta


def reminder_times(sent_at: datetime, reminder_hours: list[float]) -> list[datetime]:
    return sorted(sent_at + timedelta(hours=hours) for hours in reminder_hours)


def reminders_due(sent_at: datetime, reminder_hours: list[float], now: datetime) -> int:
    """How many of the scheduled reminders are due by now (the latest one is sent; missed ones are skipped)."""
    return sum(1 for at in reminder_times(sent_at, reminder_hours) if at <= now)


def next_reminder_at(sent_at: datetime, reminder_hours: list[float], sent: int) -> datetime | None:
    times = reminder_times(sent_at, reminder_hours)
    return times[sent] if sent < len(times) else None


def escalate_at(sent_at: datetime, reminder_hours: list[float], grace_hours: float) -> datetime:
    """When an unanswered referral escalates: the grace period after its last scheduled reminder."""
    last = max(reminder_hours, default=0.0)
    return sent_at + timedelta(hours=last + grace_hours)


def waited_hours(sent_at: datetime, now: datetime) -> int:
    return max(0, int((now - sent_at).total_seconds() // 3600))
