"""The day's plan: its options, its one simulated clock, what every service is told, when each contact posts."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from continuum_kit.clock import ScaledClock

from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, Arrival, day_roster

DAY = timedelta(hours=24)
FOLLOWUP_HOURS = 72
# The simulated day begins at this midnight (a Friday); the clock is started a little before it, so that
# the services are up when it strikes.
MIDNIGHT = datetime(2026, 3, 6, tzinfo=UTC)
STARTUP_LEAD_SECONDS = 12.0


@dataclass(frozen=True)
class DayOptions:
    contacts: int = 80
    seed: int = 7
    scale: float = 2880.0  # a simulated day in 30 wall seconds
    quiet_period_days: float = 0.5
    returning_share: float = 0.08
    # How long after the day's last contact could fall due at 72 h (plus the quiet period) the day still
    # waits for stragglers: a response, a peer's late first call and two retries fit in it.
    drain_hours: float = 30.0

    def sweep_seconds(self) -> float:
        """Timers are swept about every five simulated minutes (at most once a wall second)."""
        return round(min(1.0, max(0.05, 300 / self.scale)), 3)

    def acknowledge_timeout_seconds(self) -> int:
        """A team's 3-minute acknowledgement window is shorter than a broker round trip once time is
        compressed; the day gives teams two wall seconds (and never less than the county's 3 minutes)."""
        return max(180, round(2 * self.scale))

    def progress_timeout_seconds(self) -> int:
        """The day's slow teams drive up to 2.2 times their ETA: late (a missed target), not gone. Their word
        that they arrived must not be taken for silence, so the day waits four wall seconds past the later
        of target and ETA (never less than the county's 10 minutes)."""
        return max(600, round(4 * self.scale))

    def county_settings(self) -> dict[str, object]:
        """The settings the day changes from the embedded defaults, for the report's header."""
        return {
            "clock_scale": self.scale,
            "timer_sweep_seconds": self.sweep_seconds(),
            "acknowledge_timeout_seconds": self.acknowledge_timeout_seconds(),
            "progress_timeout_seconds": self.progress_timeout_seconds(),
            "quiet_period_days": self.quiet_period_days,
            "mobile_teams_added": len(day_roster(self.contacts)),
        }


@dataclass(frozen=True)
class GivenDay:
    """A day of arrivals given to the run instead of the synthetic traffic (``continuum-cad replay``: a city's
    calls-for-service day), the midnight it begins at, and what it adds to the outcome report."""

    arrivals: list[Arrival]
    midnight: datetime
    description: str
    report: dict  # under "replay"


def day_clock(options: DayOptions, anchor: datetime | None = None, midnight: datetime = MIDNIGHT) -> ScaledClock:
    """The day's one simulated clock: the sim and every service read it with the same three settings."""
    anchor = anchor or datetime.now(UTC)
    start = midnight - timedelta(seconds=STARTUP_LEAD_SECONDS * options.scale)
    return ScaledClock(start, options.scale, anchor)


def service_env(options: DayOptions, clock: ScaledClock) -> dict[str, str]:
    """What the Stack passes every service: the simulated clock and the day's county settings."""
    return {
        "CONTINUUM_CLOCK_SCALE": str(options.scale),
        "CONTINUUM_CLOCK_START": clock.start.isoformat(),
        "CONTINUUM_CLOCK_ANCHOR": clock.anchor.isoformat(),
        "CONTINUUM_TIMER_SWEEP_SECONDS": str(options.sweep_seconds()),
        "CONTINUUM_ACKNOWLEDGE_TIMEOUT_SECONDS": str(options.acknowledge_timeout_seconds()),
        "CONTINUUM_PROGRESS_TIMEOUT_SECONDS": str(options.progress_timeout_seconds()),
        "CONTINUUM_QUIET_PERIOD_DAYS": str(options.quiet_period_days),
        "CONTINUUM_DEFLECTION_ELIGIBLE_CALL_TYPES": json.dumps(DEFLECTION_ELIGIBLE_CALL_TYPES),
    }


def schedule(arrivals: list[Arrival], ready: datetime) -> list[tuple[datetime, Arrival]]:
    """When each contact is posted: at its time of day, in the 24 hours from ``ready`` (an hour of the
    day that has already passed when the services are up comes round again at the end)."""
    midnight = ready.replace(hour=0, minute=0, second=0, microsecond=0)
    planned = []
    for arrival in arrivals:
        at = midnight + arrival.at
        planned.append((at if at >= ready else at + DAY, arrival))
    return sorted(planned, key=lambda pair: pair[0])


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def on_shift(hours: list[dict], at: datetime) -> bool:
    """Whether a team of the roster is on duty at ``at``, as dispatch reads its hours (none: around the clock;
    a window whose end is before its start runs past midnight into the next day)."""
    if not hours:
        return True
    today, yesterday, now = WEEKDAYS[at.weekday()], WEEKDAYS[(at - timedelta(days=1)).weekday()], at.time()
    for window in hours:
        start, end = time.fromisoformat(window["start"]), time.fromisoformat(window["end"])
        if start < end and today in window["days"] and start <= now < end:
            return True
        if start >= end and (today in window["days"] and now >= start or yesterday in window["days"] and now < end):
            return True
    return False


def hourly(arrivals: list[Arrival], roster: list[dict], day: datetime = MIDNIGHT) -> list[dict]:
    """From the day's plan, hour by hour: the contacts posted in the hour, and the mobile teams the day added to
    the roster (``day_roster``) that are on shift at the hour's start; dispatch's seeded teams are not counted."""
    contacts = [0] * 24
    for arrival in arrivals:
        contacts[int(arrival.at.total_seconds() // 3600) % 24] += 1
    return [
        {
            "hour": hour,
            "contacts": contacts[hour],
            "teams_on_shift": sum(on_shift(team["hours"], day + timedelta(hours=hour)) for team in roster),
        }
        for hour in range(24)
    ]
