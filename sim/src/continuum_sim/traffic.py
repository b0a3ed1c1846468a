"""A day of synthetic crisis traffic: when contacts arrive, on which channel, from whom, and how the partner
systems will answer each one. Seeded and reproducible; every person is invented (see ``scenarios``).

The shape follows what crisis systems report: contacts peak in the evening and are fewest before dawn;
988 and the crisis line carry most of them, then the peer warmline, 911 diversion, police field referrals,
emergency departments, street outreach, 311 and walk-ins; a share of people contact again the same day;
safety flags are rare; some people decline services and some need housing.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from continuum_sim.scenarios import (
    Scenario,
    crisis_line_call,
    crisis_text_declines,
    emergency_department_referral,
    homeless_311_request,
    homeless_911_call,
    police_diversion,
    substance_use_outreach,
    walk_in_visit,
    warmline_call,
    weapon_911_call,
)

# Relative contact volume by hour of day (0 = midnight): lowest before dawn, a peak in the evening.
HOURLY_WEIGHTS: tuple[float, ...] = (
    3.0, 2.5, 2.0, 1.5, 1.2, 1.0, 1.2, 1.8, 2.6, 3.4, 4.0, 4.4,
    4.6, 4.8, 5.0, 5.4, 6.0, 6.8, 7.8, 8.6, 8.8, 8.0, 6.2, 4.4,
)  # fmt: skip

# The simulated county's deflection policy: the day gives this list to every process (dispatch and the board),
# as a county's environment would, so that all of them count deflection alike.
DEFLECTION_ELIGIBLE_CALL_TYPES = [
    "WELFARE_CHECK",
    "MENTAL_HEALTH",
    "SUICIDE_THREAT",
    "DISTURBANCE",
    "INTOXICATED_PERSON",
    "TRESPASS",
    "HOMELESS_CONCERN",
    "NOISE",
]
CALL_TYPES_911 = ["WELFARE_CHECK", "MENTAL_HEALTH", "SUICIDE_THREAT", "DISTURBANCE", "INTOXICATED_PERSON"]
SERVICE_CODES_311 = ["HOMELESS_CONCERN", "NOISE", "DISTURBANCE"]

# Channels a person who already contacted today uses again: they call back, text, or walk in.
RETURN_KINDS = ("crisis_line_call", "crisis_line_text", "warmline_call", "warmline_text", "walk_in")

# How the crisis teams resolve a response, by response type: (disposition, weight).
DISPOSITIONS: dict[str, list[tuple[str, float]]] = {
    "mobile_team": [
        ("resolved_in_place", 45),
        ("referred", 20),
        ("transported_to_stabilization", 13),
        ("transported_to_peer_respite", 8),
        ("declined_services", 10),
        ("hospitalized", 4),
    ],
    "co_response": [("transported_to_stabilization", 45), ("resolved_in_place", 30), ("hospitalized", 25)],
    "peer_support": [("resolved_in_place", 78), ("referred", 15), ("declined_services", 7)],
    "police": [("police_custody", 50), ("resolved_in_place", 25), ("hospitalized", 25)],
    "ems": [("hospitalized", 70), ("resolved_in_place", 30)],
}
HOUSING_RESULTS = [
    ("successful_referral_client_accepted", 70),
    ("unsuccessful_referral_client_rejected", 15),
    ("unsuccessful_referral_provider_rejected", 15),
]
# Failed attempts before a peer reaches the person at a check-in; 3 means never (the check-in is unreachable).
FAILED_ATTEMPTS = [(0, 72), (1, 16), (2, 7), (3, 5)]


def _pick(rng: random.Random, weighted: list[tuple[object, float]]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass(frozen=True)
class Behaviour:
    """How the partner systems answer one contact: the mobile-team app, facility, housing partner and peers."""

    dispositions: dict[str, str]  # by response type: what the team reports when it resolves
    needs: list[str]  # the needs the team reports with the resolution (housing sends a referral)
    team_silent: bool = False  # the first team never acknowledges, so dispatch replaces it
    travel_factor: float = 1.0  # actual travel time over dispatch's estimate
    on_scene_minutes: float = 45.0
    facility_declines: bool = False
    facility_accept_minutes: float = 10.0
    facility_complete_minutes: float = 40.0
    housing_result: str = "successful_referral_client_accepted"
    housing_reply_hours: float = 8.0
    failed_attempts: tuple[int, ...] = (0, 0, 0)  # per check-in sequence
    peer_delay_hours: float = 1.0  # how long after a check-in falls due the peer first calls
    retry_hours: float = 4.0  # between a peer's attempts


@dataclass(frozen=True)
class Arrival:
    """One contact of the day: when (since midnight), what a partner posts, whose it is, how partners answer."""

    at: timedelta
    kind: str
    scenario: Scenario
    person: int
    returning: bool
    behaviour: Behaviour

    @property
    def channel(self) -> str:
        return self.scenario.channel


def _with(scenario: Scenario, **contact: object) -> Scenario:
    return replace(scenario, contact={**scenario.contact, **contact})


def _medium(maker: Callable[[random.Random], Scenario], medium: str) -> Callable[[random.Random], Scenario]:
    def make(rng: random.Random) -> Scenario:
        scenario = maker(rng)
        channel = scenario.channel.rsplit("_", 1)[0] + "_" + medium
        return replace(_with(scenario, medium=medium), channel=channel)

    return make


def _crisis_line(rng: random.Random) -> Scenario:
    scenario = crisis_line_call(rng)
    if rng.random() < 0.03:  # a caller with the means at hand: co-response
        return replace(
            _with(scenario, safety={"imminent_risk_with_means": True}), name="988 call, imminent risk with means"
        )
    return scenario


def _crisis_text(rng: random.Random) -> Scenario:
    return replace(crisis_text_declines(rng), name="988 text")


def _warmline_in(medium: str) -> Callable[[random.Random], Scenario]:
    return _medium(warmline_call, medium) if medium != "call" else warmline_call


def _call_911(rng: random.Random) -> Scenario:
    roll = rng.random()
    if roll < 0.04:
        return weapon_911_call(rng)
    if roll < 0.07:  # violence in progress: police, not deflected
        scenario = weapon_911_call(rng)
        contact = {"call_type_code": "ASSAULT", "safety": {"violence_in_progress": True}, "priority": 1}
        return replace(_with(scenario, **contact), name="911 call, violence in progress: police")
    if roll < 0.10:  # a medical emergency: EMS
        scenario = homeless_911_call(rng)
        contact = {"call_type_code": "MEDICAL", "safety": {"medical_emergency": True}, "priority": 1}
        return replace(_with(scenario, **contact), name="911 call, overdose: EMS", needs=[])
    if roll < 0.35:
        return homeless_911_call(rng)
    scenario = homeless_911_call(rng)
    call_type = rng.choice(CALL_TYPES_911)
    return replace(
        _with(scenario, call_type_code=call_type, needs=["mental_health"], priority=rng.randint(2, 4)),
        name=f"911 call {call_type.lower()}: mobile team instead of police",
        needs=[],
    )


def _request_311(rng: random.Random) -> Scenario:
    scenario = homeless_311_request(rng)
    code = rng.choice(SERVICE_CODES_311)
    if code == "HOMELESS_CONCERN":
        return scenario
    return replace(_with(scenario, service_code=code, needs=["mental_health"]), name=f"311 {code.lower()}", needs=[])


# The channel mix of a day: (kind, weight, maker). 988 and the crisis line carry most contacts.
CHANNEL_MIX: list[tuple[str, float, Callable[[random.Random], Scenario]]] = [
    ("crisis_line_call", 28, _crisis_line),
    ("crisis_line_text", 8, _crisis_text),
    ("crisis_line_chat", 5, _medium(crisis_line_call, "chat")),
    ("warmline_call", 11, _warmline_in("call")),
    ("warmline_text", 4, _warmline_in("text")),
    ("warmline_chat", 2, _warmline_in("chat")),
    ("911_transfer", 13, _call_911),
    ("police_field_referral", 7, police_diversion),
    ("emergency_department", 6, emergency_department_referral),
    ("street_outreach", 6, substance_use_outreach),
    ("311_request", 5, _request_311),
    ("walk_in", 5, walk_in_visit),
]
MAKERS = {kind: maker for kind, _, maker in CHANNEL_MIX}


def _behaviour(rng: random.Random, scenario: Scenario) -> Behaviour:
    dispositions = {kind: str(_pick(rng, choices)) for kind, choices in DISPOSITIONS.items()}
    needs = list(scenario.needs)
    if "housing" not in needs and rng.random() < 0.08:
        needs.append("housing")
    slow = rng.random() < 0.1
    late_facility = rng.random() < 0.1
    return Behaviour(
        dispositions=dispositions,
        needs=needs,
        team_silent=rng.random() < 0.03,
        travel_factor=rng.uniform(1.4, 2.2) if slow else rng.uniform(0.8, 1.15),
        on_scene_minutes=rng.uniform(25, 80),
        facility_declines=rng.random() < 0.07,
        facility_accept_minutes=rng.uniform(35, 60) if late_facility else rng.uniform(3, 18),
        facility_complete_minutes=rng.uniform(15, 60),
        housing_result=str(_pick(rng, HOUSING_RESULTS)),
        housing_reply_hours=rng.uniform(25, 45) if rng.random() < 0.25 else rng.uniform(2, 20),
        failed_attempts=tuple(int(_pick(rng, FAILED_ATTEMPTS)) for _ in range(3)),
        peer_delay_hours=rng.uniform(0.2, 3.0),
        retry_hours=rng.uniform(2, 6),
    )


# The lines that answer people (988 and the crisis line, the peer warmline) report how long each waited.
LINES = ("crisis_line_", "warmline_")


def _wait_before_answer(rng: random.Random, channel: str) -> int:
    """Seconds in the queue: most are answered within half a minute, a few wait minutes (a lognormal tail);
    chats and texts wait longer than calls."""
    median = 15 if channel.endswith("_call") else 45
    return min(int(rng.lognormvariate(math.log(median), 0.9)), 1800)


def _times(rng: random.Random, contacts: int) -> list[timedelta]:
    hours = rng.choices(range(24), weights=HOURLY_WEIGHTS, k=contacts)
    return sorted(timedelta(hours=hour, seconds=rng.uniform(0, 3600)) for hour in hours)


def generate_day(contacts: int, seed: int = 7, returning_share: float = 0.08) -> list[Arrival]:
    """``contacts`` arrivals over one day (offsets from midnight, in order), reproducible from ``seed``."""
    if contacts < 0:
        raise ValueError("contacts must not be negative")
    rng = random.Random(seed)
    waits = random.Random(seed * 7919 + 1)  # a stream of its own, so the day's other draws stay as they were
    kinds = [kind for kind, _, _ in CHANNEL_MIX]
    weights = [weight for _, weight, _ in CHANNEL_MIX]
    arrivals: list[Arrival] = []
    callers: list[dict] = []
    for at in _times(rng, contacts):
        # A person contacts again: the same caller, on a line, not through 911 or 311 (those are new incidents).
        if arrivals and rng.random() < returning_share:
            person = rng.randrange(len(callers))
            kind = rng.choice(RETURN_KINDS)
            scenario = _with(MAKERS[kind](rng), caller=callers[person])
            returning = True
        else:
            kind = rng.choices(kinds, weights=weights)[0]
            scenario = MAKERS[kind](rng)
            person, returning = len(callers), False
            callers.append(scenario.contact["caller"])
        if scenario.channel.startswith(LINES):
            scenario = _with(scenario, answered_after_seconds=_wait_before_answer(waits, scenario.channel))
        arrivals.append(Arrival(at, kind, scenario, person, returning, _behaviour(rng, scenario)))
    return arrivals


# Where the day's added teams stand by, and the areas they cover (the county's centre, and its rural east).
TEAM_BASES = [
    (45.530, -122.660, ["central"]),
    (45.780, -122.320, ["outer", "central"]),
    (45.505, -122.620, ["central", "outer"]),
]
EVENING_SHIFT = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "14:00", "end": "02:00"}


def day_roster(contacts: int) -> list[dict]:
    """The mobile teams county IT adds to the seeded roster for a day of this size (about one per 20
    contacts), every other one on an evening shift for the evening peak. Staff are codes, never names."""
    teams = []
    for number in range(1, max(1, math.ceil(contacts / 20)) + 1):
        latitude, longitude, coverage = TEAM_BASES[(number - 1) % len(TEAM_BASES)]
        teams.append(
            {
                "responder_id": f"mobile-team-day-{number}",
                "kind": "mobile_team",
                "members": [
                    {"member_id": f"md{number}-peer", "role": "peer"},
                    {"member_id": f"md{number}-clinician", "role": "clinician"},
                ],
                "latitude": latitude,
                "longitude": longitude,
                "coverage_areas": coverage,
                "hours": [EVENING_SHIFT] if number % 2 == 0 else [],
            }
        )
    return teams
