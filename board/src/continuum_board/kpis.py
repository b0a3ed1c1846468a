"""Crisis KPIs, computed from the board's read model and broken down by program, channel, area and the
demographic codes a county chose (``CONTINUUM_DEMOGRAPHIC_FIELDS``).

- time to answer (speed to answer): how long the person waited before a counselor or peer answered, as the
  answering line reported it on its contact (contact.received ``answered_after_seconds``; lines that do not
  report it are left out);
- time to triage: the first contact's ``received_at`` (contact.received) to the episode's first episode.triaged;
- time to assign: first episode.triaged to the first response.assigned;
- time to respond: first episode.triaged to the first responder on scene (response.updated ``on_scene``), or
  to the response's resolution when the team never reported on_scene (a warmline peer answers by phone);
- police deflection rate: lawenforcement.deflected episodes / eligible episodes (a 911 transfer of an eligible
  call type, or a 311 request; the same rule and call types as dispatch's deflection report);
- handoff completion rate: handoffs completed / handoffs requested and not cancelled;
- follow-up within 24 h / 72 h: episodes whose peer first reached the person within 24 h (72 h) of the first
  follow-up being scheduled / episodes whose follow-up is that old or already reached in time.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from continuum_board.config import BoardSettings
from continuum_board.store import EpisodeRow, EventRow, HandoffRow

FIXED_DIMENSIONS = ("program", "channel", "area")
DEFLECTION_CHANNELS = frozenset({"911_transfer", "311_request"})
UNKNOWN = "unknown"


def dimensions(settings: BoardSettings) -> tuple[str, ...]:
    return FIXED_DIMENSIONS + tuple(f for f in settings.demographic_fields if f not in FIXED_DIMENSIONS)


def attributes(episode: EpisodeRow, dims: Sequence[str]) -> dict[str, str]:
    """The episode's breakdown attributes: codes only; a missing one is ``unknown``."""
    known = {
        **(episode.demographics or {}),
        "program": episode.program,
        "channel": episode.channel,
        "area": episode.area,
    }
    return {d: str(known.get(d) or UNKNOWN) for d in dims}


def deflection_eligible(channel: str | None, call_type: str | None, eligible_types: Iterable[str]) -> bool:
    if channel not in DEFLECTION_CHANNELS:
        return False
    if call_type is None:
        return channel == "311_request"  # a 311 request is non-emergency by definition
    return call_type.upper() in {t.upper() for t in eligible_types}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass
class Kpis:
    episodes: int = 0
    answer_seconds: list[float] = field(default_factory=list)
    triage_seconds: list[float] = field(default_factory=list)
    assign_seconds: list[float] = field(default_factory=list)
    respond_seconds: list[float] = field(default_factory=list)
    deflection_eligible: int = 0
    police_deflections: int = 0
    handoffs_requested: int = 0
    handoffs_completed: int = 0
    followups_due_24h: int = 0
    followups_within_24h: int = 0
    followups_due_72h: int = 0
    followups_within_72h: int = 0

    @property
    def police_deflection_rate(self) -> float | None:
        return _rate(self.police_deflections, self.deflection_eligible)

    @property
    def handoff_completion_rate(self) -> float | None:
        return _rate(self.handoffs_completed, self.handoffs_requested)

    @property
    def followup_24h_rate(self) -> float | None:
        return _rate(self.followups_within_24h, self.followups_due_24h)

    @property
    def followup_72h_rate(self) -> float | None:
        return _rate(self.followups_within_72h, self.followups_due_72h)

    def summary(self) -> dict:
        return {
            "episodes": self.episodes,
            "time_to_answer_median_seconds": _median(self.answer_seconds),
            "time_to_triage_median_seconds": _median(self.triage_seconds),
            "time_to_assign_median_seconds": _median(self.assign_seconds),
            "time_to_respond_median_seconds": _median(self.respond_seconds),
            "deflection_eligible": self.deflection_eligible,
            "police_deflections": self.police_deflections,
            "police_deflection_rate": self.police_deflection_rate,
            "handoffs_requested": self.handoffs_requested,
            "handoffs_completed": self.handoffs_completed,
            "handoff_completion_rate": self.handoff_completion_rate,
            "followups_due_24h": self.followups_due_24h,
            "followups_within_24h": self.followups_within_24h,
            "followup_24h_rate": self.followup_24h_rate,
            "followups_due_72h": self.followups_due_72h,
            "followups_within_72h": self.followups_within_72h,
            "followup_72h_rate": self.followup_72h_rate,
        }


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else max((end - start).total_seconds(), 0.0)


def _add_episode(kpis: Kpis, episode: EpisodeRow, now: datetime, eligible_types: Sequence[str]) -> None:
    if episode.triaged_at is not None:
        kpis.episodes += 1
    for values, start, end in (
        (kpis.triage_seconds, episode.contact_received_at, episode.triaged_at),
        (kpis.assign_seconds, episode.triaged_at, episode.assigned_at),
        (kpis.respond_seconds, episode.triaged_at, episode.arrived_at),
    ):
        if (seconds := _seconds(start, end)) is not None:
            values.append(seconds)
    if episode.answered_after_seconds is not None:
        kpis.answer_seconds.append(float(episode.answered_after_seconds))
    if deflection_eligible(episode.channel, episode.call_type, eligible_types):
        kpis.deflection_eligible += 1
        kpis.police_deflections += int(episode.deflected)
    started, reached = episode.followup_started_at, episode.followup_reached_at
    if started is not None:
        for hours, due, within in (
            (24, "followups_due_24h", "followups_within_24h"),
            (72, "followups_due_72h", "followups_within_72h"),
        ):
            in_time = reached is not None and reached - started <= timedelta(hours=hours)
            if in_time or now - started >= timedelta(hours=hours):
                setattr(kpis, due, getattr(kpis, due) + 1)
                setattr(kpis, within, getattr(kpis, within) + int(in_time))


def compute(
    episodes: Iterable[EpisodeRow],
    handoffs: Iterable[tuple],
    now: datetime,
    settings: BoardSettings,
    by: Sequence[str],
) -> tuple[Kpis, dict[tuple[str, ...], Kpis]]:
    """The total and one set of KPIs per combination of the ``by`` attributes. ``handoffs`` are
    ``(episode_id, status)`` pairs."""
    total, groups, key_of = Kpis(), {}, {}
    all_dims = dimensions(settings)
    for episode in episodes:
        attrs = attributes(episode, all_dims)
        key = tuple(attrs[d] for d in by)
        key_of[episode.episode_id] = key
        for kpis in (total, groups.setdefault(key, Kpis())):
            _add_episode(kpis, episode, now, settings.deflection_eligible_call_types)
    for episode_id, status in handoffs:
        if status == "cancelled":
            continue  # a handoff that will not happen (the episode closed, the bed was released) is not owed
        key = key_of.get(episode_id, tuple(UNKNOWN for _ in by))
        for kpis in (total, groups.setdefault(key, Kpis())):
            kpis.handoffs_requested += 1
            kpis.handoffs_completed += int(status == "completed")
    return total, groups


class KpiSource:
    """Reads the read model for KPIs; one reading serves every instrument of one metric collection."""

    def __init__(self, engine: Engine, clock, settings: BoardSettings) -> None:  # noqa: ANN001 - a kit Clock
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self._cached: tuple[tuple, tuple[Kpis, dict]] | None = None

    def load(self, by: Sequence[str], session: Session | None = None) -> tuple[Kpis, dict[tuple[str, ...], Kpis]]:
        """Read in ``session`` if given: on SQLite a second transaction beside an open one would wait for it."""
        if session is None:
            with Session(self.engine) as own:
                return self.load(by, own)
        episodes = session.exec(select(EpisodeRow)).all()
        handoffs = session.exec(select(HandoffRow.episode_id, HandoffRow.status)).all()
        return compute(episodes, handoffs, self.clock.now(), self.settings, by)

    def by_all_dimensions(self) -> dict[tuple[str, ...], Kpis]:
        """Per combination of every dimension (the metrics' attribute sets); cached while nothing changed."""
        with Session(self.engine) as session:
            version = session.exec(select(func.max(col(EventRow.seq)))).one()
            key = (version, int(self.clock.now().timestamp()))
            if self._cached is None or self._cached[0] != key:
                self._cached = (key, self.load(dimensions(self.settings), session))
        return self._cached[1][1]
