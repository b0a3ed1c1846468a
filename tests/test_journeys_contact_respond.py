"""Someone to contact, someone to respond: the county's journeys, end to end.

The four services run as separate processes on the real broker; a simulated 911 CAD, warmline,
988 centre, mobile-team app and facility talk to them over HTTP, as those partners would.
"""

import asyncio
import random

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import Scenario, homeless_911_call, sample, warmline_call, weapon_911_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
NO_FOLLOWUP_ANSWERS = frozenset({"mobile_app", "facility"})


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    """One county stack for the module; bed holds are short so that an unused one is seen released."""
    topic = f"test.journeys.{random.getrandbits(40):010x}"
    stack = Stack(
        kafka_bootstrap,
        tmp_path_factory.mktemp("county"),
        topic=topic,
        group_prefix=topic,
        extra_env={"CONTINUUM_RESERVATION_HOLD_MINUTES": "0.1", "CONTINUUM_TIMER_SWEEP_SECONDS": "0.5"},
    )
    stack.start()
    yield stack
    stack.stop()


partners = Partners.of


def variant(scenario: Scenario, **changes) -> Scenario:
    return Scenario(**{**scenario.__dict__, **changes})


async def test_warmline_caller_at_night_gets_a_peer_and_no_dispatch_or_police(county):
    async with partners(county) as sim:
        journey = await sim.post(warmline_call(random.Random(21)))
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
        view = await sim.service_view(journey.episode_id)
    triaged = journey.first("continuum.episode.triaged.v1").data
    assert triaged["recommended_response"] == "peer_support" and triaged["police_required"] is False
    assert [r["response_type"] for r in view["responses"]] == ["peer_support"]
    assert view["responses"][0]["responder_id"].startswith("warmline-peer")
    assert not any(t.startswith("lawenforcement") for t in journey.order())


async def test_eligible_911_call_gets_mobile_team_with_peer_and_police_are_deflected(county):
    scenario = variant(homeless_911_call(random.Random(22)), disposition="resolved_in_place", needs=[])
    async with partners(county) as sim:
        journey = await sim.post(scenario)
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
        view = await sim.service_view(journey.episode_id)
    deflected = journey.first("continuum.lawenforcement.deflected.v1").data
    assert deflected["reason"] == "eligible_call_type_no_safety_risk" and deflected["call_type"] == "WELFARE_CHECK"
    [response] = view["responses"]
    assert response["response_type"] == "mobile_team" and response["with_peer"] is True
    assert response["disposition"] == "resolved_in_place"
    async with httpx.AsyncClient() as client:
        report = (
            await client.get(
                f"{county.urls['dispatch']}/v1/reports/deflections",
                params={"by": "program"},
                headers={"Authorization": f"Bearer {county.admin_token}"},
            )
        ).json()
    assert report["deflected"] >= 1


async def test_911_call_with_a_weapon_gets_co_response_and_is_not_deflected(county):
    async with partners(county) as sim:
        journey = await sim.post(weapon_911_call(random.Random(23)))
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
    triaged = journey.first("continuum.episode.triaged.v1").data
    assigned = journey.first("continuum.response.assigned.v1").data
    assert triaged["police_required"] is True and "weapon" in triaged["reasons"]
    assert assigned["response_type"] == "co_response"
    assert "weapon" in (assigned["reason"] or "")
    assert "lawenforcement.deflected" not in journey.order()


async def test_person_in_post_crisis_who_calls_again_returns_to_acute_on_the_same_episode(county):
    first = warmline_call(random.Random(24))
    again = variant(
        first,
        name="the same person calls 988",
        partner_id="988-center",
        channel="crisis_line_call",
        path="/v1/contacts/crisis-line",
        contact={**first.contact, "medium": "call", "reported_stage": None},
    )
    async with partners(county, answers=NO_FOLLOWUP_ANSWERS) as sim:
        journey = await sim.post(first)
        assert await eventually(lambda: _has(journey, "followup.scheduled")), "never reached post-crisis follow-up"

        async def post_crisis():
            return (await sim.service_view(journey.episode_id))["intake"]["stage"] == "post_crisis"

        assert await eventually(post_crisis)
        rejoined = await sim.post(again)
        assert await eventually(lambda: _has(journey, "episode.reopened"))
        view = await sim.service_view(journey.episode_id)
    assert rejoined.episode_id == journey.episode_id
    reopened = journey.first("continuum.episode.reopened.v1").data
    assert reopened["previous_stage"] == "post_crisis" and reopened["stage"] == "acute"
    assert journey.counts()["episode.opened"] == 1 and journey.counts()["episode.triaged"] == 2
    assert view["intake"]["contacts"] == 2
    assert journey.order().index("episode.reopened") < journey.order().index("episode.triaged", 3)


async def test_transport_to_peer_respite_reserves_then_occupies_a_bed_and_an_unused_hold_is_released(county):
    to_respite = [
        variant(s, disposition="transported_to_peer_respite", needs=[])
        for s in sample(2, seed=25, kinds=[homeless_911_call])
    ]
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    # No follow-up peer answers, so neither episode closes (which would release the held bed) before the hold runs out.
    no_closing = partners(county, answers=NO_FOLLOWUP_ANSWERS)
    async with no_closing as sim, httpx.AsyncClient(base_url=county.urls["dispatch"], headers=admin) as dispatch:
        before = await _respite(dispatch)
        arriving, no_show = [await sim.post(s) for s in to_respite]
        assert await eventually(lambda: _has(arriving, "placement.reserved") and _has(no_show, "placement.reserved"))
        held = await _respite(dispatch)
        reservation = arriving.first("continuum.placement.reserved.v1").data
        admitted = await dispatch.post(
            f"/v1/places/{reservation['place_id']}/admissions",
            json={"reservation_id": reservation["reservation_id"]},
            headers=admin,
        )
        assert admitted.status_code == 201
        assert await eventually(lambda: _has(no_show, "placement.released"), timeout=40)
        after = await _respite(dispatch)
    assert held["reserved"] == before["reserved"] + 2 and held["available"] == before["available"] - 2
    assert after["occupied"] == before["occupied"] + 1 and after["reserved"] == before["reserved"]
    assert after["available"] == before["available"] - 1
    assert no_show.first("continuum.placement.released.v1").data["reason"] == "hold_expired"
    assert not _has(arriving, "placement.released")


async def test_when_no_team_can_meet_the_target_a_supervisor_is_told_and_a_silent_team_is_replaced(
    kafka_bootstrap, topic, tmp_path
):
    stack = Stack(
        kafka_bootstrap,
        tmp_path / "tight",
        topic=topic,
        group_prefix=topic,
        extra_env={
            "CONTINUUM_RESPONSE_TARGET_MINUTES": '{"urban": 5, "rural": 5}',
            "CONTINUUM_ACKNOWLEDGE_TIMEOUT_SECONDS": "2",
            "CONTINUUM_TIMER_SWEEP_SECONDS": "0.5",
        },
    )
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(
            kafka_bootstrap, topic, stack.urls, admin_token=stack.admin_token, answers=frozenset()
        ) as sim:
            journey = await sim.post(homeless_911_call(random.Random(26)))
            assert await eventually(lambda: _has(journey, "response.escalated"), timeout=15)
            assert await eventually(lambda: journey.counts()["response.assigned"] >= 2, timeout=30)
    finally:
        await asyncio.to_thread(stack.stop)
    escalated = journey.first("continuum.response.escalated.v1")
    assert escalated.data["reason"] == "no_team_meets_target" and escalated.data["target_minutes"] == 5
    assert escalated.data["gap_minutes"] == escalated.data["best_eta_minutes"] - 5 > 0
    assert escalated.seen_at - journey.posted_at < 10, "the supervisor heard too late"
    first, replacement = [e.data for e in journey.events if e.type == "continuum.response.assigned.v1"][:2]
    assert replacement["replaces"] == first["response_id"] and replacement["reason"] == "not_acknowledged"
    assert replacement["responder_id"] != first["responder_id"]


def _has(journey, event_type: str) -> bool:
    return event_type in journey.order()


async def _respite(client: httpx.AsyncClient) -> dict:
    places = (await client.get("/v1/places")).json()
    respites = [p for p in places if p["place_type"] == "peer_respite"]
    return {key: sum(p[key] for p in respites) for key in ("reserved", "occupied", "available")}


async def test_refused_partner_input_changes_nothing_anywhere(kafka_bootstrap, topic, tmp_path):
    """Wrong credentials, a channel outside a partner's registration, out-of-range coordinates, an unknown
    call type, an unknown team, a team's update without credentials or from another team, and a backwards
    move of a team are each refused, and no event is published."""
    # A county of its own: every event on its topic then belongs to this test.
    county = Stack(kafka_bootstrap, tmp_path / "own", topic=topic, group_prefix=topic)
    await asyncio.to_thread(county.start)
    try:
        scenario = homeless_911_call(random.Random(27))
        async with partners(county, answers=frozenset()) as sim:
            secret = sim._credentials["county-911-cad"][1]
            baseline = sum(len(events) for events in sim.events.values())
            async with httpx.AsyncClient(base_url=county.urls["intake"]) as intake:
                outside = {"medium": "call", "caller": scenario.contact["caller"]}
                far_away = {**scenario.contact, "location": {"latitude": 123.4, "longitude": -122.6}}
                unknown_type = {**scenario.contact, "call_type_code": "JAYWALKING_OF_THE_MIND"}
                answers = {
                    "no credential": await intake.post("/v1/contacts/911", json=scenario.contact),
                    "wrong secret": await intake.post(
                        "/v1/contacts/911", json=scenario.contact, auth=("county-911-cad", "not-the-secret-at-all-000")
                    ),
                    "outside its channels": await intake.post(
                        "/v1/contacts/warmline", json=outside, auth=("county-911-cad", secret)
                    ),
                    "latitude out of range": await intake.post(
                        "/v1/contacts/911", json=far_away, auth=("county-911-cad", secret)
                    ),
                    "unknown call type": await intake.post(
                        "/v1/contacts/911", json=unknown_type, auth=("county-911-cad", secret)
                    ),
                }
            async with httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
                admin = {"Authorization": f"Bearer {county.admin_token}"}
                answers["unknown team"] = await dispatch.patch(
                    "/v1/responders/mobile-team-99/status", json={"status": "available"}, headers=admin
                )
                journey = await sim.post(scenario)
                assert await eventually(lambda: _has(journey, "response.assigned"))
                assigned = journey.first("continuum.response.assigned.v1").data
                updates = f"/v1/responses/{assigned['response_id']}/updates"
                team = await sim.credentials("dispatch", assigned["responder_id"])
                other = "mobile-team-2" if assigned["responder_id"] != "mobile-team-2" else "mobile-team-1"
                another_team = await sim.credentials("dispatch", other)
                answers["team app without credentials"] = await dispatch.post(updates, json={"status": "on_scene"})
                answers["another team's app"] = await dispatch.post(
                    updates, json={"status": "on_scene"}, auth=another_team
                )
                answers["resolved without a disposition"] = await dispatch.post(
                    updates, json={"status": "resolved"}, auth=team
                )
                backwards = await dispatch.post(updates, json={"status": "on_scene"}, auth=team)
                answers["backwards"] = await dispatch.post(updates, json={"status": "acknowledged"}, auth=team)
                await asyncio.sleep(2)
        codes = {reason: answer.status_code for reason, answer in answers.items()}
        assert codes == {
            "no credential": 401,
            "wrong secret": 401,
            "outside its channels": 403,
            "latitude out of range": 422,
            "unknown call type": 422,
            "unknown team": 404,
            "team app without credentials": 401,
            "another team's app": 403,
            "resolved without a disposition": 422,
            "backwards": 409,
        }
        assert "latitude" in str(answers["latitude out of range"].json()["detail"])
        assert "JAYWALKING_OF_THE_MIND" in str(answers["unknown call type"].json()["detail"])
        assert answers["backwards"].json()["detail"]["current_status"] == "on_scene"
        assert backwards.status_code == 200
        new_events = sum(len(events) for events in sim.events.values()) - baseline
        assert new_events == len(journey.events), "a refused request published an event"
        assert journey.counts()["response.updated"] == 1  # only the one accepted update
    finally:
        await asyncio.to_thread(county.stop)
