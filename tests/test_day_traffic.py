"""A day of crisis traffic as generated and planned: seeded arrivals, invented people, clock and teams."""

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from continuum_sim.day_plan import DayOptions, day_clock, schedule, service_env
from continuum_sim.scenarios import FIRST, LAST, STREETS
from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, day_roster, generate_day

# --- the generator -----------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_day_and_another_seed_another():
    assert generate_day(150, seed=11) == generate_day(150, seed=11)
    assert generate_day(150, seed=11) != generate_day(150, seed=12)


def test_a_day_peaks_in_the_evening_and_is_quietest_before_dawn():
    arrivals = generate_day(3000, seed=5)
    assert all(timedelta(0) <= a.at < timedelta(hours=24) for a in arrivals)
    assert [a.at for a in arrivals] == sorted(a.at for a in arrivals)
    by_hour = Counter(int(a.at.total_seconds() // 3600) for a in arrivals)
    evening = sum(by_hour[h] for h in range(18, 22)) / 4
    before_dawn = sum(by_hour[h] for h in range(3, 7)) / 4
    assert evening > 4 * before_dawn


def test_the_crisis_line_carries_most_contacts_and_every_channel_appears():
    arrivals = generate_day(3000, seed=5)
    families = Counter(a.channel.rsplit("_", 1)[0] if "line" in a.channel else a.channel for a in arrivals)
    assert families.most_common(1)[0][0] == "crisis_line"
    assert families["crisis_line"] > families["warmline"] > families["311_request"]
    assert {a.channel for a in arrivals} >= {
        "crisis_line_call",
        "crisis_line_text",
        "crisis_line_chat",
        "warmline_call",
        "warmline_text",
        "911_transfer",
        "311_request",
        "police_field_referral",
        "emergency_department",
        "street_outreach",
        "walk_in",
    }


def test_returning_people_contact_again_later_as_the_same_caller_on_a_line():
    arrivals = generate_day(1000, seed=9)
    returning = [a for a in arrivals if a.returning]
    assert 0.04 < len(returning) / len(arrivals) < 0.13
    first_of = {}
    for a in arrivals:
        first_of.setdefault(a.person, a)
    for a in returning:
        first = first_of[a.person]
        assert first is not a and first.at <= a.at
        assert a.scenario.contact["caller"] == first.scenario.contact["caller"]
        assert a.channel not in ("911_transfer", "311_request")  # a new 911/311 call is a new incident


def test_safety_flags_are_rare_some_decline_and_some_need_housing():
    arrivals = generate_day(2000, seed=4)
    flagged = [a for a in arrivals if any(a.scenario.contact.get("safety", {}).values())]
    assert 0.005 < len(flagged) / len(arrivals) < 0.05
    declines = [a for a in arrivals if a.behaviour.dispositions["mobile_team"] == "declined_services"]
    assert 0.05 < len(declines) / len(arrivals) < 0.2
    housing = [a for a in arrivals if "housing" in a.behaviour.needs]
    assert 0.08 < len(housing) / len(arrivals) < 0.35


def test_every_person_is_obviously_invented():
    name = re.compile(rf"^({'|'.join(FIRST)}) [A-Z]\. ({'|'.join(LAST)})$")
    address = re.compile(rf"^\d{{1,3}} ({'|'.join(STREETS)}) Street$")
    arrivals = generate_day(500, seed=21)
    for a in arrivals:
        caller = a.scenario.contact["caller"]
        assert set(caller) == {"name", "phone", "date_of_birth", "address"}
        assert name.match(caller["name"]), caller["name"]
        assert re.fullmatch(r"555-\d{3}-\d{4}", caller["phone"])  # 555: the fictional numbers
        assert date(1950, 1, 1) <= date.fromisoformat(caller["date_of_birth"]) <= date(2006, 12, 31)
        assert address.match(caller["address"])
    text = json.dumps([a.scenario.contact for a in arrivals])
    assert not re.search(r"\b\d{3}-\d{2}-\d{4}\b", text)  # nothing shaped like a social security number
    assert "@" not in text  # no e-mail addresses


def test_contacts_are_posted_at_their_hour_in_the_24_hours_after_the_services_are_up():
    arrivals = generate_day(200, seed=2)
    ready = datetime(2026, 3, 6, 13, 30, tzinfo=UTC)
    planned = schedule(arrivals, ready)
    assert len(planned) == 200
    assert all(ready <= at < ready + timedelta(hours=24) for at, _ in planned)
    assert [at for at, _ in planned] == sorted(at for at, _ in planned)
    for at, arrival in planned:
        assert at - at.replace(hour=0, minute=0, second=0, microsecond=0) == arrival.at  # same time of day


def test_the_day_gives_every_service_the_same_clock_and_its_settings():
    options = DayOptions(scale=2880, quiet_period_days=0.5)
    clock = day_clock(options)
    env = service_env(options, clock)
    assert float(env["CONTINUUM_CLOCK_SCALE"]) == 2880
    assert datetime.fromisoformat(env["CONTINUUM_CLOCK_ANCHOR"]) == clock.anchor
    assert datetime.fromisoformat(env["CONTINUUM_CLOCK_START"]) == clock.start
    assert float(env["CONTINUUM_TIMER_SWEEP_SECONDS"]) * options.scale <= 600  # swept every ≤ 10 simulated min
    assert int(env["CONTINUUM_ACKNOWLEDGE_TIMEOUT_SECONDS"]) >= 180
    assert json.loads(env["CONTINUUM_DEFLECTION_ELIGIBLE_CALL_TYPES"]) == DEFLECTION_ELIGIBLE_CALL_TYPES


def test_the_county_adds_teams_for_a_busier_day_some_on_the_evening_shift():
    assert len(day_roster(10)) == 1
    teams = day_roster(80)
    assert len(teams) == 4 and len({t["responder_id"] for t in teams}) == 4
    assert [bool(t["hours"]) for t in teams] == [False, True, False, True]
    assert all(re.fullmatch(r"md\d+-(peer|clinician)", m["member_id"]) for t in teams for m in t["members"])
