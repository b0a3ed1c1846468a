"""The situation changes mid-response: a team on scene reports a weapon and gets its backup; police on scene
ask for a mobile team and get one. End to end, the four services as processes on the real broker."""

import random
from functools import partial

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import Scenario, homeless_911_call, weapon_911_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
ASSIGNED = "continuum.response.assigned.v1"


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("county")
    with Stack.of_its_own(kafka_bootstrap, workdir, "safety", timer_sweep_seconds="0.5") as stack:
        yield stack


partners = partial(Partners.of, answers=frozenset())  # each journey plays the team's app and the police


def assignments(journey) -> list[dict]:
    return [e.data for e in journey.events if e.type == ASSIGNED]


async def deflected(dispatch: httpx.AsyncClient, admin: dict) -> int:
    return (await dispatch.get("/v1/reports/deflections", headers=admin)).json()["deflected"]


async def test_a_team_on_a_deflected_welfare_check_reports_a_weapon_and_gets_backup_the_deflection_is_corrected(
    county,
):
    scenario = homeless_911_call(random.Random(91))
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with partners(county) as sim, httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
        journey = await sim.post(scenario)
        assert await eventually(lambda: "lawenforcement.deflected" in journey.order())
        [team] = assignments(journey)
        counted = await deflected(dispatch, admin)
        app = await sim.credentials("dispatch", team["responder_id"])  # county IT registers the team's app
        for status in ("acknowledged", "on_scene"):
            url = f"/v1/responses/{team['response_id']}/updates"
            answer = await dispatch.post(url, json={"status": status}, auth=app)
            assert answer.status_code == 200
        body = {"change": "weapon", "reason": "knife_seen"}
        reported = await dispatch.post(f"/v1/responses/{team['response_id']}/safety", json=body, auth=app)
        assert reported.status_code == 201, reported.text
        assert await eventually(lambda: "lawenforcement.deflection_corrected" in journey.order())
        assert await eventually(lambda: len(assignments(journey)) == 2)
        after = await deflected(dispatch, admin)
        still_there = (await dispatch.get(f"/v1/responses/{team['response_id']}", auth=app)).json()
    backup = assignments(journey)[1]
    assert backup["response_type"] in ("co_response", "police") and backup["backs_up"] == team["response_id"]
    assert backup["reason"] == "safety_change_weapon"
    changed = journey.first("continuum.response.safety_changed.v1").data
    assert (changed["change"], changed["backup"]) == ("weapon", backup["response_type"])
    assert changed["peer_stepped_back"] is team["with_peer"] is True
    corrected = journey.first("continuum.lawenforcement.deflection_corrected.v1").data
    assert corrected["response_id"] == team["response_id"] and corrected["call_type"] == "WELFARE_CHECK"
    assert after == counted - 1, "the deflection report still counts the call"
    assert still_there["status"] == "on_scene", "the team's own response stays live"
    assert sim.phi_on_topic(scenario) == []


async def test_police_on_scene_ask_for_a_mobile_team_and_one_is_sent(county):
    weapon = weapon_911_call(random.Random(92))
    violence = {**weapon.contact, "call_type_code": "DISTURBANCE", "safety": {"violence_in_progress": True}}
    scenario = Scenario(**{**weapon.__dict__, "name": "911 call, a fight: police", "contact": violence})
    async with partners(county) as sim, httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
        journey = await sim.post(scenario)
        assert await eventually(lambda: len(assignments(journey)) == 1)
        [police] = assignments(journey)
        assert (police["response_type"], police["responder_id"]) == ("police", "police-dispatch")
        url = f"/v1/episodes/{journey.episode_id}/response-requests"
        ask = {"response_type": "mobile_team", "reason": "person_in_crisis_on_scene"}
        team_app = await sim.credentials("dispatch", "mobile-team-2")
        refused = await dispatch.post(url, json=ask, auth=team_app)
        desk = await sim.credentials("dispatch", "police-dispatch")
        answer = await dispatch.post(url, json=ask, auth=desk)
        assert answer.status_code == 201, answer.text
        assert await eventually(lambda: len(assignments(journey)) == 2)
    assert refused.status_code == 403
    team = assignments(journey)[1]
    assert team["response_type"] == "mobile_team" and team["requested_by"] == "police-dispatch"
    assert team["response_id"] == answer.json()["response_id"] and team["responder_id"].startswith("mobile-team")
    assert team["reason"] == "person_in_crisis_on_scene"
    assert sim.phi_on_topic(scenario) == []
