"""The referral reminder schedule: at which hours after sending an open referral's partner is reminded.

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
