"""A day of crisis traffic: the generator, the report's arithmetic, and a small compressed day through the
four services as processes, whose report must agree with what the services' own APIs say."""

import asyncio
import json
import re
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from continuum_sim.day_plan import DayOptions, day_clock, schedule, service_env
from continuum_sim.day_run import simulate
from continuum_sim.journeys import Seen
from continuum_sim.outcomes import PostedContact, deflection, outcome_report, percentile
from continuum_sim.scenarios import FIRST, LAST, STREETS
from continuum_sim.stack import Stack
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


# --- the report's arithmetic -------------------------------------------------------------------------

T0 = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)


def seen(event_type: str, minutes: float, **data) -> Seen:
    return Seen(
        f"id-{event_type}-{minutes}-{data}",
        f"continuum.{event_type}.v1",
        "/t",
        data,
        0.0,
        None,
        T0 + timedelta(minutes=minutes),
    )


def test_percentiles_are_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile(list(reversed(values)), 91) == 100


def test_deflection_counts_eligible_911_and_311_calls_and_those_answered_without_police():
    triaged = [
        {"channel": "911_transfer", "call_type": "WELFARE_CHECK"},
        {"channel": "911_transfer", "call_type": "ASSAULT"},  # not a crisis-team call type
        {"channel": "311_request", "call_type": "homeless_concern"},
        {"channel": "311_request", "call_type": None},  # a 311 request is non-emergency by definition
        {"channel": "crisis_line_call", "call_type": None},
    ]
    assert deflection(triaged, 2, DEFLECTION_ELIGIBLE_CALL_TYPES) == {"eligible": 3, "deflected": 2, "rate": 0.6667}
    assert deflection([], 0, DEFLECTION_ELIGIBLE_CALL_TYPES)["rate"] is None


def test_the_lines_report_how_long_each_person_waited_and_the_report_sums_it_up():
    day = generate_day(300, seed=3)
    lines = [a for a in day if a.scenario.channel.startswith(("crisis_line_", "warmline_"))]
    others = [a for a in day if a not in lines]
    assert lines and all(0 <= a.scenario.contact["answered_after_seconds"] <= 1800 for a in lines)
    assert all("answered_after_seconds" not in a.scenario.contact for a in others)
    waits = sorted(a.scenario.contact["answered_after_seconds"] for a in lines)
    assert waits[len(waits) // 2] < 60 < waits[-1], "most are answered quickly, a few wait minutes"
    received = [
        seen("contact.received", 0, channel="crisis_line_call", answered_after_seconds=wait) for wait in (10, 20, 90)
    ] + [seen("contact.received", 0, channel="911_transfer")]
    posted = [PostedContact("crisis_line_call", str(i)) for i in range(4)]
    report = outcome_report(posted, {str(i): [e] for i, e in enumerate(received)}, eligible_call_types=[])
    assert report["contacts"]["speed_to_answer_seconds"] == {"reported": 3, "p50": 20, "p90": 90, "within_30s": 0.6667}


def test_the_report_from_a_few_hand_made_journeys():
    urban, rural, declined = "e-urban", "e-rural", "e-declined"
    events = {
        urban: [
            seen("contact.received", 0, channel="911_transfer"),
            seen("episode.triaged", 0, channel="911_transfer", call_type="WELFARE_CHECK", area="central"),
            seen("response.assigned", 1, response_id="r1", response_type="mobile_team", target_minutes=60),
            seen("lawenforcement.deflected", 1, response_id="r1"),
            # r1 never acknowledges; r2 replaces it and arrives: 80 minutes after the first assignment, late
            seen(
                "response.assigned",
                49,
                response_id="r2",
                response_type="mobile_team",
                target_minutes=60,
                replaces="r1",
                reason="not_acknowledged",
            ),
            seen("response.escalated", 62, reason="target_missed", response_type="mobile_team"),
            seen("response.updated", 81, response_id="r2", status="on_scene"),
            seen("response.resolved", 120, response_id="r2", disposition="transported_to_stabilization"),
            seen("handoff.requested", 121, handoff_id="h1", kind="team_to_stabilization_unit"),
            seen("handoff.accepted", 130, handoff_id="h1"),
            seen("handoff.completed", 170, handoff_id="h1"),
            seen("followup.scheduled", 171, followup_id="f1", sequence=1, recipient="person"),
            seen("followup.scheduled", 171, followup_id="f2", sequence=2, recipient="person"),
            seen("followup.attempted", 171 + 25 * 60, followup_id="f1", reached=True),
            seen("followup.completed", 171 + 25 * 60, followup_id="f1"),
            seen("followup.attempted", 171 + 73 * 60, followup_id="f2", reached=True),
            seen("followup.completed", 171 + 73 * 60, followup_id="f2"),
            seen("episode.closed", 171 + 73 * 60, reason="plan_complete"),
        ],
        rural: [
            seen("contact.received", 5, channel="crisis_line_call"),
            seen("episode.triaged", 5, channel="crisis_line_call", area="outer"),
            seen("response.assigned", 6, response_id="r3", response_type="mobile_team", target_minutes=120),
            seen("response.updated", 46, response_id="r3", status="en_route"),
            seen("response.updated", 56, response_id="r3", status="on_scene"),
            seen("response.resolved", 90, response_id="r3", disposition="resolved_in_place"),
            seen("followup.scheduled", 91, followup_id="f3", sequence=1, recipient="person"),
            seen("followup.attempted", 91 + 80 * 60, followup_id="f3", reached=False),
            seen("reengagement.requested", 91 + 80 * 60, followup_id="f3"),
            seen("contact.received", 200, channel="warmline_call"),
            seen("episode.triaged", 200, channel="warmline_call", area=None, returning=True),
        ],
        declined: [
            seen("contact.received", 7, channel="311_request"),
            seen(
                "episode.triaged", 7, channel="311_request", call_type="NOISE", area="central", safety_flags=["weapon"]
            ),
            seen("response.assigned", 8, response_id="r4", response_type="co_response", target_minutes=60),
            seen("response.resolved", 30, response_id="r4", disposition="declined_services"),
            seen("episode.closed", 31, reason="declined_further_contact"),
        ],
    }
    posted = [
        PostedContact("911_transfer", urban),
        PostedContact("crisis_line_call", rural),
        PostedContact("warmline_call", rural),
        PostedContact("311_request", declined),
    ]
    report = outcome_report(posted, events, eligible_call_types=DEFLECTION_ELIGIBLE_CALL_TYPES)

    assert report["contacts"]["by_channel"] == {
        "311_request": 1,
        "911_transfer": 1,
        "crisis_line_call": 1,
        "warmline_call": 1,
    }
    assert report["contacts"]["received_on_topic"] == report["contacts"]["by_channel"]
    assert report["contacts"]["returning"] == 1 and report["contacts"]["with_safety_flags"] == 1
    assert report["responses"]["by_type"] == {"co_response": 1, "mobile_team": 2}
    assert report["responses"]["replaced"] == {"not_acknowledged": 1}
    assert report["responses"]["escalations"] == {"target_missed": 1}
    assert report["deflection"] == {"eligible": 2, "deflected": 1, "rate": 0.5}
    assert report["response_times"] == {
        "central": {
            "target_minutes": 60,
            "arrived": 1,
            "p50_minutes": 80.0,
            "p90_minutes": 80.0,
            "late": 1,
            "not_arrived": 1,
        },
        "outer": {
            "target_minutes": 120,
            "arrived": 1,
            "p50_minutes": 50.0,
            "p90_minutes": 50.0,
            "late": 0,
            "not_arrived": 0,
        },
    }
    assert report["handoffs"] == {
        "requested": 1,
        "by_kind": {"team_to_stabilization_unit": 1},
        "accepted": 1,
        "declined": 0,
        "escalated": 0,
        "completed": 1,
    }
    assert report["followups"] == {
        "people_with_plan": 2,
        "checkins_scheduled": 3,
        "attempts": 3,
        "checkins_completed": 2,
        "checkins_unreachable": 1,
        "people_reached_within_72h": 1,  # the rural person was never reached
        "rate_within_72h": 0.5,
    }
    assert report["episodes"] == {
        "opened": 3,
        "closed": 2,
        "closed_by_reason": {"declined_further_contact": 1, "plan_complete": 1},
        "still_open": 1,
        "still_open_ids": [rural],
    }


# --- a small compressed day through the four services -------------------------------------------------


@pytest.mark.kafka
@pytest.mark.e2e
async def test_a_compressed_day_reports_what_the_services_recorded(kafka_bootstrap, topic, tmp_path):
    options = DayOptions(contacts=24, seed=3, scale=10000, quiet_period_days=0.25)
    clock = day_clock(options)
    stack = Stack(
        kafka_bootstrap, tmp_path / "stack", topic=topic, group_prefix=topic, extra_env=service_env(options, clock)
    )
    try:
        await asyncio.to_thread(stack.start, 120.0)
        started = time.monotonic()
        day = await simulate(kafka_bootstrap, stack, options, clock, progress=False)
        wall = time.monotonic() - started
        report, posted = day.report, day.partners.posted
        episodes = sorted({p.episode_id for p in posted})
        async with httpx.AsyncClient(timeout=10) as client:

            async def get(service: str, path: str, **kw) -> object:
                response = await client.get(f"{stack.urls[service]}{path}", **kw)
                return response.json() if response.status_code == 200 else response.status_code

            intake = {e: await get("intake", f"/v1/episodes/{e}") for e in episodes}
            responses = {e: await get("dispatch", f"/v1/episodes/{e}/responses") for e in episodes}
            handoffs = {e: await get("handoff", f"/v1/episodes/{e}/handoffs") for e in episodes}
            plans = {e: await get("followup", f"/v1/episodes/{e}/followups") for e in episodes}
            deflections = await get(
                "dispatch", "/v1/reports/deflections", headers={"Authorization": f"Bearer {stack.admin_token}"}
            )
    finally:
        await asyncio.to_thread(stack.stop)

    # Every contact generated was posted, and each is on an episode in intake under its channel.
    assert len(posted) == len(day.arrivals) == options.contacts
    assert report["contacts"]["by_channel"] == dict(sorted(Counter(a.channel for a in day.arrivals).items()))
    intake_channels = Counter(c["channel"] for e in episodes for c in intake[e]["contact_history"])
    assert intake_channels == Counter(report["contacts"]["by_channel"])
    assert report["contacts"]["received_on_topic"] == report["contacts"]["by_channel"]
    assert report["contacts"]["returning"] == sum(p.joined for p in posted)

    # Every episode closed, for the reason intake recorded.
    assert report["episodes"]["still_open_ids"] == []
    assert report["episodes"]["opened"] == len(episodes)
    assert all(intake[e]["status"] == "closed" for e in episodes)
    assert Counter(intake[e]["closure_reason"] for e in episodes) == Counter(report["episodes"]["closed_by_reason"])

    # Deflection as dispatch's own report counts it.
    assert report["deflection"]["eligible"] == deflections["eligible"] > 0
    assert report["deflection"]["deflected"] == deflections["deflected"]
    assert report["deflection"]["rate"] == deflections["rate"]

    # Responses, handoffs and follow-ups as the services hold them.
    every_response = [r for e in episodes for r in responses[e]]
    assert Counter(r["response_type"] for r in every_response if r["replaces"] is None) == Counter(
        report["responses"]["by_type"]
    )
    assert sum(report["response_times"][a]["arrived"] for a in report["response_times"]) == sum(
        1 for r in every_response if r["response_type"] in ("mobile_team", "co_response") and r["replaces"] is None
    )  # every crisis team (or its replacement) got there
    every_handoff = [h for e in episodes for h in handoffs[e]]
    assert report["handoffs"]["requested"] == len(every_handoff)
    assert report["handoffs"]["accepted"] == sum(1 for h in every_handoff if h["accepted_at"])
    assert report["handoffs"]["completed"] == sum(1 for h in every_handoff if h["status"] == "completed")
    assert report["handoffs"]["declined"] == sum(1 for h in every_handoff if h["status"] == "rejected")
    checkins = [c for e in episodes if isinstance(plans[e], dict) for c in plans[e]["checkins"]]
    person = [c for c in checkins if c["recipient"] == "person"]
    assert report["followups"]["checkins_scheduled"] == len(person)
    assert report["followups"]["checkins_completed"] == sum(1 for c in person if c["status"] == "completed")
    assert report["followups"]["people_with_plan"] == len({c["episode_id"] for c in person})
    followups = report["followups"]
    assert followups["rate_within_72h"] == round(
        followups["people_reached_within_72h"] / followups["people_with_plan"], 4
    )
    assert wall < 120, f"the compressed day took {wall:.0f} s"
