"""Choosing a team: on duty, covering the area, free before busy, nearest, a peer preferred, least loaded.

Pure, no I/O. The incident is known only as the centre of a ~5 km geohash cell, never an address.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pygeohash

from continuum_dispatch.domain import EtaPolicy, ResponderKind, ResponderStatus

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EARTH_RADIUS_KM = 6371.0
Point = tuple[float, float]


@dataclass(frozen=True)
class DutyWindow:
    """Days and times a team works, in the county's zone; an end before the start runs past midnight."""

    days: frozenset[str]
    start: time
    end: time


@dataclass(frozen=True)
class Team:
    responder_id: str
    kind: ResponderKind
    with_peer: bool
    status: ResponderStatus
    active: int
    location: Point | None = None
    coverage: frozenset[str] = frozenset()
    hours: tuple[DutyWindow, ...] = ()


@dataclass(frozen=True)
class Incident:
    kind: ResponderKind
    area: str | None = None
    cell: Point | None = None
    peer_preferred: bool = False


@dataclass(frozen=True)
class Choice:
    responder_id: str
    with_peer: bool
    eta_minutes: int
    free: bool


@dataclass(frozen=True)
class _Option:
    team: Team
    eta: int
    distance_unknown: bool

    @property
    def rank(self) -> tuple:
        return (self.distance_unknown, self.eta, self.team.active, self.team.responder_id)


def cell_centre(grid: str | None) -> Point | None:
    """The centre of a geohash cell; None when there is no cell or it is not a geohash."""
    if not grid or not pygeohash.is_valid_geohash(grid):
        return None
    centre = pygeohash.decode(grid)
    return (centre.latitude, centre.longitude)


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance: a road is longer, which the average travel speed absorbs."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def on_duty(hours: Iterable[DutyWindow], local: datetime) -> bool:
    """No hours at all means around the clock."""
    windows = list(hours)
    if not windows:
        return True
    today, yesterday = WEEKDAYS[local.weekday()], WEEKDAYS[(local - timedelta(days=1)).weekday()]
    now = local.time()
    for window in windows:
        if window.start < window.end:
            if today in window.days and window.start <= now < window.end:
                return True
        elif (today in window.days and now >= window.start) or (yesterday in window.days and now < window.end):
            return True
    return False


def covers(team: Team, area: str | None) -> bool:
    """A team with no coverage list is countywide; an incident without an area may go to any team."""
    return not team.coverage or area is None or area in team.coverage


def eta_minutes(team: Team, incident: Incident, policy: EtaPolicy) -> tuple[int, bool]:
    """Minutes until the team is there, and whether the distance was unknown (then only start-up and queue)."""
    if team.kind == ResponderKind.WARMLINE_PEER:
        return 0, False  # already on the line with the caller
    queue = policy.per_active_minutes * team.active
    if incident.cell is None or team.location is None:
        return policy.base_minutes + queue, True
    travel = distance_km(team.location, incident.cell) / policy.travel_speed_kmh * 60
    return math.ceil(policy.base_minutes + travel) + queue, False


def _free(team: Team) -> bool:
    return team.status == ResponderStatus.AVAILABLE and team.active == 0


def choose_team(
    teams: Iterable[Team], incident: Incident, policy: EtaPolicy, local_now: datetime, peer_extra_minutes: int
) -> Choice | None:
    """The nearest free team of the kind (a busy one queues only when none is free), a peer team preferred
    when it is at most ``peer_extra_minutes`` later, or always when the person's crisis plan asks for peers."""
    eligible = [
        t
        for t in teams
        if t.kind == incident.kind
        and t.status != ResponderStatus.OFFLINE
        and on_duty(t.hours, local_now)
        and covers(t, incident.area)
    ]
    pool = [t for t in eligible if _free(t)] or eligible
    options = [_Option(t, *eta_minutes(t, incident, policy)) for t in pool]
    if not options:
        return None
    best = min(options, key=lambda o: o.rank)
    peers = [o for o in options if o.team.with_peer]
    if not incident.peer_preferred:
        limit = best.eta + peer_extra_minutes
        peers = [o for o in peers if o.distance_unknown == best.distance_unknown and o.eta <= limit]
    if peers:
        best = min(peers, key=lambda o: o.rank)
    return Choice(best.team.responder_id, best.team.with_peer, best.eta, _free(best.team))
