"""Intake's pure rules besides triage: where a contact is (coarsely), who it is, and how an open episode moves.

No I/O. Locations leave intake only as a response area and a ~5 km geohash cell; people are matched
on normalized details, and a weak match is for a person to decide, never merged here.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import pygeohash
from continuum_contracts.events import CrisisPreferences
from continuum_contracts.vocabulary import Channel, ResponseType, Stage

from continuum_intake.config import ResponseArea
from continuum_intake.triage import TriageDecision

GRID_PRECISION = 5  # a geohash cell of about 5 km x 5 km: enough to route a team, too coarse to find a door
MIN_PHONE_DIGITS = 7  # shorter numbers ("0", "911") would match strangers
LATER_STAGES = frozenset({Stage.STABILIZATION, Stage.POST_CRISIS})


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    uncertainty_m: float | None = None


def grid_of(location: Location) -> str:
    return pygeohash.encode(location.latitude, location.longitude, precision=GRID_PRECISION)


def _contains(area: ResponseArea, location: Location) -> bool:
    if area.min_lat is None or area.max_lat is None or area.min_lon is None or area.max_lon is None:
        return True  # the fallback area
    return area.min_lat <= location.latitude <= area.max_lat and area.min_lon <= location.longitude <= area.max_lon


def area_of(location: Location, areas: list[ResponseArea]) -> str | None:
    """The first of the county's areas that contains the point; None outside all of them."""
    return next((area.area_id for area in areas if _contains(area, location)), None)


def program_of(channel: Channel, programs: dict[Channel, str]) -> str | None:
    return programs.get(channel)


def normalized_phone(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def normalized_name(name: str | None) -> str | None:
    """Case, accents, punctuation and spacing do not make a different name."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    words = letters.casefold().split()
    return " ".join(words) or None


def name_with_birth_date(name: str | None, date_of_birth: date | None) -> str | None:
    normalized = normalized_name(name)
    return f"{normalized}|{date_of_birth.isoformat()}" if normalized and date_of_birth else None


class ReviewReason(StrEnum):
    SAME_NAME_NO_BIRTH_DATE = "same_name_birth_date_unknown"
    SAME_NAME_OTHER_BIRTH_DATE = "same_name_other_birth_date"


def review_reason(new_birth_date_known: bool, candidate_birth_date_known: bool) -> ReviewReason:
    if new_birth_date_known and candidate_birth_date_known:
        return ReviewReason.SAME_NAME_OTHER_BIRTH_DATE
    return ReviewReason.SAME_NAME_NO_BIRTH_DATE


@dataclass(frozen=True)
class Rejoin:
    stage: Stage
    reopened: bool


def rejoin(previous: Stage, decided: Stage) -> Rejoin:
    """A new contact on an open episode: the episode takes the new contact's stage; one already past the
    acute stage (stabilization, post-crisis) is reopened, because the person is in crisis again."""
    return Rejoin(stage=decided, reopened=previous in LATER_STAGES)


def with_preferences(decision: TriageDecision, preferences: CrisisPreferences | None) -> TriageDecision:
    """A crisis plan asking for a peer makes a mobile-team recommendation say so, for dispatch to honour."""
    if preferences is None or not preferences.peer_preferred:
        return decision
    if decision.recommended_response is not ResponseType.MOBILE_TEAM:
        return decision
    return TriageDecision(
        stage=decision.stage,
        acuity=decision.acuity,
        recommended_response=decision.recommended_response,
        police_required=decision.police_required,
        reasons=[*decision.reasons, "peer_preferred"],
    )
