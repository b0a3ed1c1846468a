"""The follow-up schedule by program: at which hours after care ends peers check in, and when each falls due.

Pure, no I/O. The hours are the county's settings (``program_checkin_hours``, else ``checkin_hours``, in
config.py); a program without its own schedule uses the default one.
"""

from datetime import datetime, timedelta


def hours_for(program: str | None, program_hours: dict[str, list[float]], default: list[float]) -> list[float]:
    """The program's own check-in hours, else the default schedule."""
    return program_hours.get(program, default) if program else default


def checkin_schedule(start: datetime, hours: list[float]) -> list[tuple[int, datetime]]:
    """(sequence, due_at) for each check-in, numbered from 1 in the order they fall due."""
    return [(sequence, start + timedelta(hours=h)) for sequence, h in enumerate(sorted(set(hours)), start=1)]
