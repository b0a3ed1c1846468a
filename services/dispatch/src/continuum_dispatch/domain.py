"""Dispatch's vocabulary and small rules: responder kinds, the response status machine, targets, peer role.

Pure, no I/O. Dispatch sends the kind of response triage recommended and never upgrades it to police:
"if the situation does not require law enforcement, then it should not involve law enforcement" (NASMHPD).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from continuum_contracts.vocabulary import Disposition, PlaceType, ResponseType


class ResponderKind(StrEnum):
    MOBILE_TEAM = "mobile_team"
    CO_RESPONDER = "co_responder"
    WARMLINE_PEER = "warmline_peer"
    POLICE = "police"
    EMS = "ems"


class ResponderStatus(StrEnum):
    AVAILABLE = "available"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    OFFLINE = "offline"


class MemberRole(StrEnum):
    PEER = "peer"
    CLINICIAN = "clinician"
    EMT = "emt"
    OFFICER = "officer"


class ResponseStatus(StrEnum):
    """In the order a response moves through; a response never moves back. The last three are final."""

    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    REPLACED = "replaced"
    CANCELLED = "cancelled"  # final like the others: the episode closed while the response was live


class Step(StrEnum):
    ADVANCE = "advance"
    REPEAT = "repeat"
    CONFLICT = "conflict"


class BedState(StrEnum):
    """A reservation is held, then the person is admitted and later discharged; or nobody came and it is released."""

    HELD = "held"
    ADMITTED = "admitted"
    DISCHARGED = "discharged"
    RELEASED = "released"


class Escalation(StrEnum):
    NO_TEAM_MEETS_TARGET = "no_team_meets_target"
    NO_RESPONDER_AVAILABLE = "no_responder_available"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    TARGET_MISSED = "target_missed"
    TEAM_DROPPED_OUT = "team_dropped_out"  # went offline and no other team can take the response over


KIND_FOR_RESPONSE = {
    ResponseType.PEER_SUPPORT: ResponderKind.WARMLINE_PEER,
    ResponseType.MOBILE_TEAM: ResponderKind.MOBILE_TEAM,
    ResponseType.CO_RESPONSE: ResponderKind.CO_RESPONDER,
    ResponseType.POLICE: ResponderKind.POLICE,
    ResponseType.EMS: ResponderKind.EMS,
}
# The crisis teams this service runs: they travel, acknowledge in the app and answer to the response
# targets. A warmline peer is already on the line; police and EMS are other agencies' dispatch desks.
TIMED_KINDS = frozenset({ResponderKind.MOBILE_TEAM, ResponderKind.CO_RESPONDER})
FINAL = frozenset({ResponseStatus.RESOLVED, ResponseStatus.REPLACED, ResponseStatus.CANCELLED})
LIVE = frozenset(ResponseStatus) - FINAL
ARRIVED = frozenset({ResponseStatus.ON_SCENE, ResponseStatus.RESOLVED})
STATUS_ALIASES = {"arrived": ResponseStatus.ON_SCENE}
RESPONDER_STATUS_FOR = {
    ResponseStatus.EN_ROUTE: ResponderStatus.EN_ROUTE,
    ResponseStatus.ON_SCENE: ResponderStatus.ON_SCENE,
    ResponseStatus.RESOLVED: ResponderStatus.AVAILABLE,
}
PLACE_FOR_DISPOSITION = {
    Disposition.TRANSPORTED_TO_STABILIZATION: PlaceType.STABILIZATION_UNIT,
    Disposition.TRANSPORTED_TO_PEER_RESPITE: PlaceType.PEER_RESPITE,
}
# SAMHSA's "peer drift": clinical or coercive work is never a peer's (handling medication, drug screens,
# transport, involuntary treatment, assessing or diagnosing).
OUTSIDE_PEER_ROLE = frozenset(
    {"medication", "drug_screen", "involuntary_hold", "diagnosis", "clinical_assessment", "coercive_transport"}
)
BED_TAKEN = frozenset({BedState.HELD, BedState.ADMITTED})
_BED_FROM = {BedState.ADMITTED: BedState.HELD, BedState.DISCHARGED: BedState.ADMITTED}
DEFAULT_AREA_KIND = "rural"
_ORDER = [s for s in ResponseStatus if s not in (ResponseStatus.REPLACED, ResponseStatus.CANCELLED)]


@dataclass(frozen=True)
class EtaPolicy:
    """How long a team takes: a start-up time, travel at an average speed, and a wait per queued response."""

    base_minutes: int
    per_active_minutes: int
    travel_speed_kmh: float = 50.0


def step(current: ResponseStatus, requested: ResponseStatus) -> Step:
    if requested == current:
        return Step.REPEAT
    if current in FINAL or _ORDER.index(requested) < _ORDER.index(current):
        return Step.CONFLICT
    return Step.ADVANCE


def bed_step(current: BedState, requested: BedState) -> Step:
    if requested == current:
        return Step.REPEAT
    return Step.ADVANCE if _BED_FROM.get(requested) == current else Step.CONFLICT


@dataclass(frozen=True)
class Room:
    place_id: str
    available: int


def choose_place(rooms: Iterable[Room]) -> Room | None:
    """The place with the most free beds (then by id); None when every one is full."""
    return min((r for r in rooms if r.available > 0), key=lambda r: (-r.available, r.place_id), default=None)


def has_peer(roles: Iterable[str]) -> bool:
    return MemberRole.PEER in set(roles)


def target_minutes(area: str | None, areas: Mapping[str, str], targets: Mapping[str, int]) -> int:
    """The response-time target of the incident's area; an area the county did not list counts as rural."""
    kind = areas.get(area, DEFAULT_AREA_KIND) if area else DEFAULT_AREA_KIND
    return targets[kind]


def task_allowed(role: str, task: str) -> bool:
    return not (role == MemberRole.PEER and task in OUTSIDE_PEER_ROLE)
