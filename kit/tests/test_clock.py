"""The clocks services ask for the time: the system clock, and the scaled clock of a compressed day."""

from datetime import UTC, datetime, timedelta

import pytest
from continuum_kit.clock import ScaledClock, SystemClock, configured_clock
from continuum_kit.settings import ServiceSettings

START = datetime(2026, 3, 6, tzinfo=UTC)
ANCHOR = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class Wall:
    """A wall clock a test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.seconds = at.timestamp()

    def __call__(self) -> float:
        return self.seconds


def test_scaled_clock_runs_scale_times_faster_than_the_wall_from_its_anchor():
    wall = Wall(ANCHOR)
    clock = ScaledClock(START, 1440, ANCHOR, wall=wall)
    assert clock.now() == START
    wall.seconds += 60  # one wall minute is a simulated day
    assert clock.now() == START + timedelta(days=1)
    wall.seconds += 2.5
    assert clock.now() == START + timedelta(days=1, hours=1)


def test_scaled_clock_stands_at_its_start_before_the_anchor():
    wall = Wall(ANCHOR - timedelta(seconds=30))
    clock = ScaledClock(START, 1000, ANCHOR, wall=wall)
    assert clock.now() == START
    wall.seconds += 30
    assert clock.now() == START


def test_processes_with_the_same_settings_read_the_same_time():
    wall = Wall(ANCHOR + timedelta(seconds=7))
    first = ScaledClock(START, 3600, ANCHOR, wall=wall)
    wall.seconds += 3  # a second process starts later, with the same anchor
    second = ScaledClock(START, 3600, ANCHOR, wall=wall)
    assert first.now() == second.now() == START + timedelta(hours=10)


def test_wall_seconds_until_a_simulated_time():
    wall = Wall(ANCHOR)
    clock = ScaledClock(START, 3600, ANCHOR, wall=wall)
    assert clock.wall_seconds_until(START + timedelta(hours=24)) == pytest.approx(24.0)
    wall.seconds += 10
    assert clock.wall_seconds_until(START + timedelta(hours=24)) == pytest.approx(14.0)
    assert clock.wall_seconds_until(START + timedelta(hours=1)) == 0.0


def test_without_an_anchor_the_clock_starts_when_made():
    wall = Wall(ANCHOR)
    clock = ScaledClock(START, 60, wall=wall)
    wall.seconds += 1
    assert clock.now() == START + timedelta(minutes=1)
    assert clock.anchor == ANCHOR


@pytest.mark.parametrize("scale", [0, -2])
def test_scale_must_be_positive(scale):
    with pytest.raises(ValueError):
        ScaledClock(START, scale)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        ScaledClock(START.replace(tzinfo=None), 10)


def test_settings_choose_the_system_clock_by_default(monkeypatch):
    for name in ("CONTINUUM_CLOCK_SCALE", "CONTINUUM_CLOCK_START", "CONTINUUM_CLOCK_ANCHOR"):
        monkeypatch.delenv(name, raising=False)
    settings = ServiceSettings()
    assert isinstance(configured_clock(settings.clock_scale, settings.clock_start, settings.clock_anchor), SystemClock)


def test_settings_choose_a_scaled_clock_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONTINUUM_CLOCK_SCALE", "2880")
    monkeypatch.setenv("CONTINUUM_CLOCK_START", START.isoformat())
    anchor = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    monkeypatch.setenv("CONTINUUM_CLOCK_ANCHOR", anchor.isoformat())
    settings = ServiceSettings()
    clock = configured_clock(settings.clock_scale, settings.clock_start, settings.clock_anchor)
    assert isinstance(clock, ScaledClock)
    assert clock.scale == 2880 and clock.anchor == anchor
    assert START + timedelta(days=120) <= clock.now() < START + timedelta(days=121)  # a wall hour is 120 days


def test_settings_refuse_a_naive_start(monkeypatch):
    monkeypatch.setenv("CONTINUUM_CLOCK_START", "2026-03-06T00:00:00")
    with pytest.raises(ValueError):
        ServiceSettings()
