"""Warm handoffs, pre-arrest diversion, housing referral and follow-up to closure: the county's journeys.

The four services run as separate processes on the real broker; a simulated officer's system, care
navigation, facility, housing partner and follow-up peers talk to them over HTTP.
"""

import asyncio
import random
from datetime import datetime

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import crisis_text_declines, homeless_311_request, police_diversion, warmline_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    topic = f"test.followalong.{random.getrandbits(40):010x}"
    stack = Stack(kafka_bootstrap, tmp_path_factory.mktemp("county"), topic=topic, group_prefix=topic)
    stack.start()
    yield stack
    stack.stop()


def partners(stack: Stack, **options) -> Partners:
    bootstrap = stack.services["intake"].env["CONTINUUM_KAFKA_BOOTSTRAP"]
    return Partners(bootstrap, stack.topic, stack.urls, admin_token=stack.admin_token, **options)


def hours_after_resolution(journey, view) -> list[float]:
    resolved_at = datetime.fromisoformat(view["responses"][0]["resolved_at"])
    return sorted(
        round((datetime.fromisoformat(c["due_at"]) - resolved_at).total_seconds() / 3600)
        for c in view["followups"]["checkins"]
        if c.get("recipient", "person") == "person"
    )


async def test_officer_diverts_a_person_to_care_navigation_without_booking_and_a_peer_follows_up_at_48h(county):
    async with partners(county) as sim:
        journey = await sim.post(police_diversion(random.Random(41)))
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
        assert await eventually(lambda: "handoff.accepted" in journey.order())
        view = await sim.service_view(journey.episode_id)
    requested = [e.data for e in journey.events if e.type == "continuum.handoff.requested.v1"]
    diversion = next(h for h in requested if h["kind"] == "pre_arrest_diversion")
    assert diversion["to_party"] == "care-navigation" and diversion["accept_by"]
    accepted = [e.data for e in journey.events if e.type == "continuum.handoff.accepted.v1"]
    assert any(a["handoff_id"] == diversion["handoff_id"] and a["no_booking"] is True for a in accepted)
    assert hours_after_resolution(journey, view) == [48]
    assert journey.closed.data["reason"] == "plan_complete"


async def test_person_without_housing_gets_respite_bed_housing_referral_and_follow_ups_to_closure(county):
    async with partners(county) as sim:
        journey = await sim.post(homeless_311_request(random.Random(42)))
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []

        async def loops_closed():  # the facility and housing partner answer on their own time
            view = await sim.service_view(journey.episode_id)
            done = [h["status"] for h in view["handoffs"]] == ["completed"]
            published = {"handoff.completed", "referral.result"} <= set(journey.order())
            return view if done and published and [r["status"] for r in view["referrals"]] == ["completed"] else None

        view = await eventually(loops_closed)
        assert view is not None, "the handoff or the housing referral never closed its loop"
    assert journey.first("continuum.response.assigned.v1").data["response_type"] == "mobile_team"
    assert journey.first("continuum.placement.reserved.v1").data["place_type"] == "peer_respite"
    sent = journey.first("continuum.referral.sent.v1").data
    assert sent["kind"] == "housing_coordinated_entry" and sent["hmis_event"] and sent["living_situation"]
    assert journey.first("continuum.referral.result.v1").data["result"] == "successful_referral_client_accepted"
    [referral] = view["referrals"]
    assert referral["status"] == "completed"
    [handoff] = view["handoffs"]
    assert handoff["status"] == "completed" and handoff["kind"] == "team_to_peer_respite"
    assert hours_after_resolution(journey, view) == [24, 72]
    assert journey.closed.data["reason"] == "plan_complete"


async def test_person_who_declines_services_is_not_handed_off_or_followed_up(county):
    async with partners(county) as sim:
        journey = await sim.post(crisis_text_declines(random.Random(43)))
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
        await asyncio.sleep(2)  # anything forced on the person would have followed by now
        view = await sim.service_view(journey.episode_id)
    assert journey.closed.data["reason"] == "declined_further_contact"
    assert not [t for t in journey.order() if t.startswith(("handoff.", "referral.", "followup."))]
    assert view["handoffs"] == [] and view["referrals"] == []


async def test_three_failed_follow_up_attempts_ask_outreach_to_re_engage_and_the_episode_stays_open(county):
    async with partners(county, answers=frozenset({"mobile_app", "facility", "housing_partner"})) as sim:
        journey = await sim.post(warmline_call(random.Random(44)))
        assert await eventually(lambda: "followup.scheduled" in journey.order())
        scheduled = journey.first("continuum.followup.scheduled.v1").data
        first = scheduled["followup_id"]
        peer = await sim.credentials("followup", scheduled["assigned_peer"])
        async with httpx.AsyncClient(base_url=county.urls["followup"], auth=peer) as followup:
            answers = [
                (await followup.post(f"/v1/followups/{first}/attempts", json={"reached": False})).status_code
                for _ in range(3)
            ]
        assert await eventually(lambda: "reengagement.requested" in journey.order())
        await asyncio.sleep(1)
        view = await sim.service_view(journey.episode_id)
    assert answers == [201, 201, 201]
    assert journey.counts()["followup.attempted"] == 3
    assert journey.first("continuum.reengagement.requested.v1").data["reason"] == "attempts_exhausted"
    assert journey.closed is None and view["intake"]["status"] == "open"
    assert view["followups"]["plan_status"] == "open"


async def test_check_in_that_finds_renewed_risk_brings_someone_back_on_the_same_episode(county):
    async with partners(county, answers=frozenset({"mobile_app", "facility", "housing_partner"})) as sim:
        journey = await sim.post(warmline_call(random.Random(45)))
        assert await eventually(lambda: "followup.scheduled" in journey.order())
        scheduled = journey.first("continuum.followup.scheduled.v1").data
        first = scheduled["followup_id"]
        peer = await sim.credentials("followup", scheduled["assigned_peer"])
        async with httpx.AsyncClient(base_url=county.urls["followup"], auth=peer) as followup:
            risk = {"reached": True, "renewed_risk": True, "safety_flags": ["imminent_risk_with_means"]}
            answer = await followup.post(f"/v1/followups/{first}/attempts", json=risk)
        assert await eventually(lambda: journey.counts()["response.assigned"] == 2)
    assert answer.status_code == 201
    assert journey.counts()["episode.opened"] == 1 and journey.counts()["contact.received"] == 2
    second_contact = [e.data for e in journey.events if e.type == "continuum.contact.received.v1"][1]
    assert second_contact["channel"] == "followup_checkin"
    second_triage = [e.data for e in journey.events if e.type == "continuum.episode.triaged.v1"][1]
    assert second_triage["returning"] is True and second_triage["recommended_response"] == "co_response"
    assert [e.data for e in journey.events if e.type == "continuum.response.assigned.v1"][1]["response_type"] == (
        "co_response"
    )
