"""Synthetic crisis contacts: invented people only, never real data."""

import random
from dataclasses import dataclass, field

FIRST = ["Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Skyler", "Emerson", "Hayden"]
LAST = ["Example", "Sample", "Testwell", "Placeholder", "Fictional", "Madeup", "Synthetic", "Notreal"]
STREETS = ["Elm", "Oak", "Maple", "Cedar", "Pine", "Birch"]


@dataclass(frozen=True)
class Scenario:
    """A contact to post and how the partner systems will answer it."""

    name: str
    contact: dict
    disposition: str = "resolved_in_place"
    needs: list[str] = field(default_factory=list)


def _caller(rng: random.Random) -> dict:
    return {
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "phone": f"555-01{rng.randint(0, 99):02d}",
        "date_of_birth": f"{rng.randint(1950, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "address": f"{rng.randint(1, 999)} {rng.choice(STREETS)} Street",
    }


def homeless_911_call(rng: random.Random) -> Scenario:
    return Scenario(
        "911 welfare check, person without housing: mobile team, stabilization, housing referral",
        {
            "channel": "911_transfer",
            "partner_id": "county-911-cad",
            "call_type": "WELFARE_CHECK",
            "needs": ["mental_health", "housing"],
            "caller": _caller(rng),
            "note": "Caller says the person is sleeping outside and shouting; no weapons seen.",
        },
        disposition="transported_to_stabilization",
        needs=["housing", "stabilization"],
    )


def warmline_call(rng: random.Random) -> Scenario:
    return Scenario(
        "peer warmline call at night, no safety risk: peer support",
        {
            "channel": "warmline_call",
            "partner_id": "peer-warmline",
            "reported_stage": "sub_acute",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Feeling alone tonight, wants to talk.",
        },
    )


def crisis_text_declines(rng: random.Random) -> Scenario:
    return Scenario(
        "988 text, mobile team offered, person declines services",
        {
            "channel": "crisis_line_text",
            "partner_id": "988-center",
            "needs": ["mental_health"],
            "caller": _caller(rng),
            "note": "Texted 988 after an argument; later said they are safe.",
        },
        disposition="declined_services",
    )


def substance_use_outreach(rng: random.Random) -> Scenario:
    return Scenario(
        "street outreach, substance use: mobile team, resolved in place with a referral",
        {
            "channel": "street_outreach",
            "partner_id": "outreach-team",
            "needs": ["substance_use", "basic_needs"],
            "caller": _caller(rng),
            "note": "Met at the shelter door, asked about detox.",
        },
        disposition="referred",
        needs=["substance_use"],
    )


SAMPLES = [homeless_911_call, warmline_call, crisis_text_declines, substance_use_outreach]


def sample(count: int, seed: int = 7, kinds: list | None = None) -> list[Scenario]:
    rng = random.Random(seed)
    makers = kinds or SAMPLES
    return [makers[i % len(makers)](rng) for i in range(count)]
