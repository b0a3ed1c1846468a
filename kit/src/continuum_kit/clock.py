"""Injectable time: services ask a clock, so tests and simulations can move time instead of sleeping."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class ScaledClock:
    """Compressed time for simulations: reads ``start`` at the wall-clock instant ``anchor`` (and before it),
    then runs ``scale`` times faster than the wall. Processes given the same three values agree on the time,
    so the services' timers (response targets, handoff deadlines, 24/72 h check-ins) fall due within a
    compressed day."""

    def __init__(
        self,
        start: datetime,
        scale: float,
        anchor: datetime | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        if start.tzinfo is None or (anchor is not None and anchor.tzinfo is None):
            raise ValueError("start and anchor must be timezone-aware")
        self.start = start
        self.scale = scale
        self._wall = wall
        self._anchor = anchor.timestamp() if anchor is not None else wall()

    @property
    def anchor(self) -> datetime:
        return datetime.fromtimestamp(self._anchor, UTC)

    def now(self) -> datetime:
        elapsed = max(0.0, self._wall() - self._anchor)
        return self.start + timedelta(seconds=elapsed * self.scale)

    def wall_seconds_until(self, simulated: datetime) -> float:
        """Wall-clock seconds from now until the clock reads ``simulated`` (0 if it already has)."""
        target = self._anchor + max(0.0, (simulated - self.start).total_seconds()) / self.scale
        return max(0.0, target - self._wall())


def configured_clock(scale: float = 1.0, start: datetime | None = None, anchor: datetime | None = None) -> Clock:
    """The clock a service's settings ask for: the system clock, or a scaled one for a simulated day."""
    if scale == 1.0 and start is None:
        return SystemClock()
    return ScaledClock(start or datetime.now(UTC), scale, anchor)
