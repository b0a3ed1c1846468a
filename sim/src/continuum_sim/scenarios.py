"""Synthetic crisis contacts: invented people only, never real data."""

import random
from dataclasses import dataclass, field

FIRST = ["Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Skyler", "Emerson", "Hayden"]
LAST = ["Example", "Sample", "Testwell", "Placeholder", "Fictional", "Madeup", "Synthetic", "Notreal"]
STREETS = ["Elm", "Oak", "Maple", "Cedar", "Pine", "Birch"]


@dataclass(frozen=True)
class Scenario:
    """A contact a partner system posts to intake, and how the partner systems will answer it."""

    name: str
    partner_id: str
    channel: str
    path: str
    contact: dict
    disposition: str | None = "resolved_in_place"
    needs: list[str] = field(default_factory=list)

    def personal_details(self) -> list[str]:
        """What of the contact is PHI (the caller's details and the free-text note): none may ride on an event."""
        caller = self.contact.get("caller") or {}
        return [value for value in (*caller.values(), self.contact.get("note")) if value]


# The partner systems the scenarios speak for, and the channels each is registered for at intake.
PARTNER_SYSTEMS = {
    "county-911-cad": ["911_transfer"],
    "peer-warmline": ["warmline_call", "warmline_chat", "warmline_text"],
    "988-center": ["crisis_line_call", "crisis_line_chat", "crisis_line_text"],
    "outreach-team": ["street_outreach"],
    "county-311": ["311_request"],
    "county-police": ["police_field_referral"],
    "county-hospital-ed": ["emergency_department"],
    "crisis-walk-in-center": ["walk_in"],
}

# A fictional county: its urban centre, and the rural area around it.
CENTRAL = (45.52, -122.67)
OUTER = (45.80, -122.30)


def _near(rng: random.Random, point: tuple[float, float]) -> dict:
    return {
        "latitude": round(point[0] + rng.uniform(-0.03, 0.03), 5),
        "longitude": round(point[1] + rng.uniform(-0.03, 0.03), 5),
        "uncertainty_m": 50,
    }


def _caller(rng: random.Random) -> dict:
    # Varied enough that two sample contacts are almost never the same person to intake's matching.
    initial = chr(ord("A") + rng.randrange(26))
    return {
        "name": f"{rng.choice(FIRST)} {initial}. {rng.choice(LAST)}",
        "phone": f"555-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "date_of_birth": f"{rng.randint(1950, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "address": f"{rng.randint(1, 999)} {rng.choice(STREETS)} Street",
    }


def homeless_911_call(rng: random.Random) -> Scenario:
    return Scenario(
        "911 welfare check, person without housing: mobile team, stabilization, housing referral",
        "county-911-cad",
        "911_transfer",
        "/v1/contacts/911",
        {
            "incident_tracking_id": f"urn:emergency:eido:incident:{rng.getrandbits(48):012x}",
            "call_type_code": "WELFARE_CHECK",
            "priority": 3,
            "location": _near(rng, CENTRAL),
            "needs": ["mental_health", "housing"],
            "caller": _caller(rng),
            "note": "Caller says the person is sleeping outside and shouting; no weapons seen.",
        },
        disposition="transported_to_stabilization",
        needs=["housing", "stabilization"],
    )


def weapon_911_call(rng: random.Random) -> Scenario:
    return Scenario(
        "911 call, a weapon reported: co-response, police not deflected",
        "county-911-cad",
        "911_transfer",
        "/v1/contacts/911",
        {
            "incident_tracking_id": f"urn:emergency:eido:incident:{rng.getrandbits(48):012x}",
            "call_type_code": "SUICIDE_THREAT",
            "priority": 1,
            "location": _near(rng, CENTRAL),
            "safety": {"weapon": True},
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Brother says he has a knife and is talking about ending it.",
        },
        disposition="transported_to_stabilization",
        needs=["stabilization"],
    )


def warmline_call(rng: random.Random) -> Scenario:
    return Scenario(
        "peer warmline call at night, no safety risk: peer support",
        "peer-warmline",
        "warmline_call",
        "/v1/contacts/warmline",
        {
            "medium": "call",
            "reported_stage": "sub_acute",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Feeling alone tonight, wants to talk.",
        },
    )


def crisis_text_declines(rng: random.Random) -> Scenario:
    return Scenario(
        "988 text, mobile team offered, person declines services",
        "988-center",
        "crisis_line_text",
        "/v1/contacts/crisis-line",
        {
            "medium": "text",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Texted 988 after an argument; later said they are safe.",
        },
        disposition="declined_services",
    )


def substance_use_outreach(rng: random.Random) -> Scenario:
    return Scenario(
        "street outreach, substance use: mobile team, resolved in place with a referral",
        "outreach-team",
        "street_outreach",
        "/v1/contacts/street-outreach",
        {
            "location": _near(rng, OUTER),
            "needs": ["substance_use", "basic_needs"],
            "caller": _caller(rng),
            "note": "Met at the shelter door, asked about detox.",
        },
        disposition="referred",
        needs=["substance_use"],
    )


def police_diversion(rng: random.Random) -> Scenario:
    return Scenario(
        "officer detains a person for a low-level offence: pre-arrest diversion to care navigation",
        "county-police",
        "police_field_referral",
        "/v1/contacts/police-referral",
        {
            "officer_agency": "county-sheriff",
            "offence_code": "TRESPASS",
            "location": _near(rng, CENTRAL),
            "needs": ["substance_use"],
            "caller": _caller(rng),
            "note": "Found sleeping in a closed store entrance; asked for help with drinking.",
        },
        disposition="referred",
        needs=["substance_use"],
    )


def homeless_311_request(rng: random.Random) -> Scenario:
    return Scenario(
        "311 community first response, person experiencing homelessness: mobile team, peer respite, housing",
        "county-311",
        "311_request",
        "/v1/contacts/311",
        {
            "service_request_id": f"311-{rng.randint(100000, 999999)}",
            "service_code": "HOMELESS_CONCERN",
            "lat": _near(rng, CENTRAL)["latitude"],
            "long": _near(rng, CENTRAL)["longitude"],
            "needs": ["housing", "mental_health"],
            "caller": _caller(rng),
            "note": "Neighbour reports a man in distress living in his car for weeks.",
        },
        disposition="transported_to_peer_respite",
        needs=["housing"],
    )


def crisis_line_call(rng: random.Random) -> Scenario:
    return Scenario(
        "988 call, distress without a safety risk: mobile team, resolved in place",
        "988-center",
        "crisis_line_call",
        "/v1/contacts/crisis-line",
        {
            "medium": "call",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Called 988 after losing a job; overwhelmed, no plan to harm self.",
        },
    )


def emergency_department_referral(rng: random.Random) -> Scenario:
    return Scenario(
        "emergency department, person medically cleared: mobile team, referred on for follow-up",
        "county-hospital-ed",
        "emergency_department",
        "/v1/contacts/emergency-department",
        {
            "facility": "county-general-ed",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Medically cleared after a panic attack; asks for someone to talk to.",
        },
        disposition="referred",
    )


def walk_in_visit(rng: random.Random) -> Scenario:
    return Scenario(
        "walk-in at the crisis center: mobile team on site, resolved in place",
        "crisis-walk-in-center",
        "walk_in",
        "/v1/contacts/walk-in",
        {
            "site": "crisis-center-main",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Came in with a friend; has not slept for days.",
        },
    )


SAMPLES = [homeless_911_call, warmline_call, crisis_text_declines, substance_use_outreach]


def sample(count: int, seed: int = 7, kinds: list | None = None) -> list[Scenario]:
    rng = random.Random(seed)
    makers = kinds or SAMPLES
    return [makers[i % len(makers)](rng) for i in range(count)]
