"""Dispatch rules: who responds, how soon, whether police were deflected, status order and bed choice.

Pure functions, no I/O. The least-loaded responder of the recommended kind goes, a peer-staffed
team preferred; a 911 or 311 call that needs no police is recorded as law-enforcement deflection.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from continuum_contracts.vocabulary import Channel, Disposition, PlaceType, ResponseType


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


class ResponseStatus(StrEnum):
    """In the order a response moves through; a response never moves back."""

    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"


class Step(StrEnum):
    ADVANCE = "advance"
    REPEAT = "repeat"
    CONFLICT = "conflict"


KIND_FOR_RESPONSE = {
    ResponseType.PEER_SUPPORT: ResponderKind.WARMLINE_PEER,
    ResponseType.MOBILE_TEAM: ResponderKind.MOBILE_TEAM,
    ResponseType.CO_RESPONSE: ResponderKind.CO_RESPONDER,
    ResponseType.POLICE: ResponderKind.POLICE,
    ResponseType.EMS: ResponderKind.EMS,
}
DEFLECTION_CHANNELS = {Channel.TRANSFER_911, Channel.REQUEST_311}
NO_SAFETY_RISK = "no_safety_risk"
PLACE_FOR_DISPOSITION = {
    Disposition.TRANSPORTED_TO_STABILIZATION: PlaceType.STABILIZATION_UNIT,
    Disposition.TRANSPORTED_TO_PEER_RESPITE: PlaceType.PEER_RESPITE,
}
RESPONDER_STATUS_FOR = {
    ResponseStatus.EN_ROUTE: ResponderStatus.EN_ROUTE,
    ResponseStatus.ON_SCENE: ResponderStatus.ON_SCENE,
    ResponseStatus.RESOLVED: ResponderStatus.AVAILABLE,
}
_ORDER = list(ResponseStatus)


@dataclass(frozen=True)
class EtaPolicy:
    base_minutes: int
    per_active_minutes: int


@dataclass(frozen=True)
class Candidate:
    responder_id: str
    kind: ResponderKind
    with_peer: bool
    status: ResponderStatus
    active_responses: int


@dataclass(frozen=True)
class Assignment:
    responder_id: str
    with_peer: bool
    eta_minutes: int


@dataclass(frozen=True)
class Room:
    place_id: str
    place_type: PlaceType
    capacity: int
    occupied: int


def eta_minutes(kind: ResponderKind, active_responses: int, policy: EtaPolicy) -> int:
    """A warmline peer is already on the line; anyone else travels, later the busier they are."""
    if kind == ResponderKind.WARMLINE_PEER:
        return 0
    return policy.base_minutes + policy.per_active_minutes * active_responses


def choose_responder(candidates: Iterable[Candidate], response: ResponseType, policy: EtaPolicy) -> Assignment | None:
    """The least-loaded responder of the kind the response needs; a team with a peer wins a tie."""
    kind = KIND_FOR_RESPONSE[response]
    eligible = [c for c in candidates if c.kind == kind and c.status != ResponderStatus.OFFLINE]
    if not eligible:
        return None
    best = min(eligible, key=lambda c: (c.active_responses, not c.with_peer, c.responder_id))
    return Assignment(best.responder_id, best.with_peer, eta_minutes(kind, best.active_responses, policy))


def deflected(channel: Channel, police_required: bool) -> bool:
    """A call that came in through 911 or 311 and is answered without police."""
    return channel in DEFLECTION_CHANNELS and not police_required


def step(current: ResponseStatus, requested: ResponseStatus) -> Step:
    if requested == current:
        return Step.REPEAT
    if current == ResponseStatus.RESOLVED or _ORDER.index(requested) < _ORDER.index(current):
        return Step.CONFLICT
    return Step.ADVANCE


def choose_place(rooms: Iterable[Room], place_type: PlaceType) -> Room | None:
    """The place of that type with the most free beds (then by id); None when every one is full."""
    free = [r for r in rooms if r.place_type == place_type and r.occupied < r.capacity]
    return min(free, key=lambda r: (r.occupied - r.capacity, r.place_id), default=None)
