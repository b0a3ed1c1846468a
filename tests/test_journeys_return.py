"""A person who comes back: the old check-ins give way, and the episode does not close while the new response is live.

The four services run as separate processes on the real broker, with check-ins due seconds after care ends
and a quiet period of seconds; the test plays the mobile-team app and the follow-up peer over HTTP itself,
so that the new response stays live as long as the test needs.
"""

import random
from functools import partial

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import Scenario, warmline_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
CHECKIN_SECONDS, QUIET_SECONDS = 12, 12


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("county")
    with Stack.of_its_own(
        kafka_bootstrap,
        workdir,
        "return",
        timer_sweep_seconds="0.5",
        checkin_hours=f"[{CHECKIN_SECONDS / 3600}]",
        quiet_period_days=str(QUIET_SECONDS / 86400),
    ) as stack:
        yield stack


partners = partial(Partners.of, answers=frozenset())  # the test is the team's app and the peer


def of_type(journey, name: str) -> list[dict]:
    return [e.data for e in journey.events if e.type == f"continuum.{name}.v1"]


async def app_reports(sim, county, assigned: dict, *updates: dict) -> None:
    """The mobile-team app, signed in as the team assigned: on scene, then (when given) the resolution."""
    team = await sim.credentials("dispatch", assigned["responder_id"])
    async with httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
        for update in updates:
            answer = await dispatch.post(f"/v1/responses/{assigned['response_id']}/updates", json=update, auth=team)
            assert answer.status_code == 200, answer.text


ON_SCENE = {"status": "on_scene"}
RESOLVED = {"status": "resolved", "disposition": "resolved_in_place", "needs": []}


async def in_follow_up(sim, county, scenario: Scenario):
    """A call answered by a team that resolves it: the episode is in post-crisis follow-up."""
    journey = await sim.post(scenario)
    assert await eventually(lambda: of_type(journey, "response.assigned"))
    await app_reports(sim, county, of_type(journey, "response.assigned")[0], ON_SCENE, RESOLVED)
    assert await eventually(lambda: of_type(journey, "followup.scheduled")), "never reached follow-up"
    return journey


async def test_person_who_calls_again_gets_new_checkins_and_the_episode_closes_only_after_the_new_response(county):
    first = warmline_call(random.Random(91))
    again = Scenario(
        "the same person calls 988",
        "988-center",
        "crisis_line_call",
        "/v1/contacts/crisis-line",
        {**first.contact, "medium": "call", "reported_stage": None},
    )
    async with partners(county) as sim, httpx.AsyncClient() as http:
        journey = await in_follow_up(sim, county, first)

        async def stage() -> str:
            return (await sim.service_view(journey.episode_id))["intake"]["stage"]

        assert await eventually(lambda: _is(stage, "post_crisis"))
        [old_checkin] = of_type(journey, "followup.scheduled")
        assert (await sim.post(again)).episode_id == journey.episode_id
        assert await eventually(lambda: len(of_type(journey, "response.assigned")) == 2)
        new_response = of_type(journey, "response.assigned")[1]
        await app_reports(sim, county, new_response, ON_SCENE)  # the new team is on scene: the response is live
        assert await eventually(lambda: of_type(journey, "followup.cancelled"))

        # Barrier: another person followed up at the same pace, after this one, closes on its quiet period;
        # followup's sweep has then passed the moment this episode's old plan would have closed.
        control = await in_follow_up(sim, county, warmline_call(random.Random(92)))
        assert await sim.wait_closed([control.episode_id], timeout=90) == []
        assert control.closed.data["reason"] == "quiet_period_elapsed"
        while_live = await sim.service_view(journey.episode_id)

        await app_reports(sim, county, new_response, RESOLVED)
        assert await eventually(lambda: len(of_type(journey, "followup.scheduled")) == 2)
        new_round = await sim.service_view(journey.episode_id)
        peer = await sim.credentials("followup", old_checkin["assigned_peer"])
        attempts = f"{county.urls['followup']}/v1/followups/{{}}/attempts"
        late = await http.post(attempts.format(old_checkin["followup_id"]), json={"reached": True}, auth=peer)
        new_checkin = of_type(journey, "followup.scheduled")[1]["followup_id"]
        reached = await http.post(attempts.format(new_checkin), json={"reached": True}, auth=peer)
        assert await sim.wait_closed([journey.episode_id], timeout=60) == []
        assert await eventually(lambda: _is(stage, "closed"))

    [cancelled] = of_type(journey, "followup.cancelled")
    assert (cancelled["followup_id"], cancelled["reason"]) == (old_checkin["followup_id"], "episode_reopened")
    plan = while_live["followups"]
    assert (plan["plan_status"], plan["round"], plan["live_responses"]) == ("suspended", 1, 1)
    assert [c["status"] for c in plan["checkins"]] == ["cancelled"]
    assert while_live["intake"]["stage"] == "acute"
    assert new_round["followups"]["round"] == 2 and new_round["followups"]["plan_status"] == "open"
    assert [c["followup_id"] for c in new_round["followups"]["checkins"]] == [new_checkin]
    assert late.status_code == 409 and late.json()["detail"]["current_status"] == "cancelled"
    assert reached.status_code == 201
    assert [e.data["reason"] for e in journey.events if e.type == "continuum.episode.closed.v1"] == ["plan_complete"]
    assert sim.phi_on_topic(first, again, control.scenario) == []


async def _is(stage, expected: str) -> bool:
    return await stage() == expected
