"""A compressed day through the four services as processes: its report agrees with the services' own APIs."""

import asyncio
import time
from collections import Counter

import httpx
import pytest
from continuum_sim.day_plan import DayOptions, day_clock, service_env
from continuum_sim.day_run import simulate
from continuum_sim.stack import Stack

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

            county_it = {"Authorization": f"Bearer {stack.admin_token}"}
            intake = {e: await get("intake", f"/v1/episodes/{e}", headers=county_it) for e in episodes}
            responses = {e: await get("dispatch", f"/v1/episodes/{e}/responses", headers=county_it) for e in episodes}
            handoffs = {e: await get("handoff", f"/v1/episodes/{e}/handoffs", headers=county_it) for e in episodes}
            plans = {e: await get("followup", f"/v1/episodes/{e}/followups", headers=county_it) for e in episodes}
            deflections = await get("dispatch", "/v1/reports/deflections", headers=county_it)
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
    rounds = ("checkins", "earlier_checkins")  # a person who came back has a round of check-ins per return
    checkins = [c for e in episodes if isinstance(plans[e], dict) for r in rounds for c in plans[e][r]]
    person = [c for c in checkins if c["recipient"] == "person"]
    assert report["followups"]["checkins_scheduled"] == len(person)
    assert report["followups"]["checkins_completed"] == sum(1 for c in person if c["status"] == "completed")
    assert report["followups"]["people_with_plan"] == len({c["episode_id"] for c in person})
    followups = report["followups"]
    assert followups["rate_within_72h"] == round(
        followups["people_reached_within_72h"] / followups["people_with_plan"], 4
    )
    assert wall < 120, f"the compressed day took {wall:.0f} s"
