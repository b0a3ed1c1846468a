"""A team drops out after acknowledging, end to end: set offline by county IT, or silent; another team takes over.

The four services run as processes on the real broker; the mobile-team app's answers are posted here, so
each journey decides when its team speaks and when it falls silent.
"""

import random
from functools import partial

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import Scenario, homeless_911_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
ASSIGNED = "continuum.response.assigned.v1"
PROGRESS_TIMEOUT_SECONDS = 6  # long enough for journey (a) to set its team offline first, short for (b)


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("county")
    with Stack.of_its_own(
        kafka_bootstrap,
        workdir,
        "dropout",
        progress_timeout_seconds=str(PROGRESS_TIMEOUT_SECONDS),
        timer_sweep_seconds="0.5",
    ) as stack:
        yield stack


partners = partial(Partners.of, answers=frozenset())  # no team app answers on its own


async def acknowledged(sim: Partners, dispatch: httpx.AsyncClient, scenario: Scenario):
    """Post the contact, wait for its team, and acknowledge as the team's app does."""
    journey = await sim.post(scenario)
    assert await eventually(lambda: journey.first(ASSIGNED) is not None), "no team was sent"
    first = journey.first(ASSIGNED).data
    team = await sim.credentials("dispatch", first["responder_id"])
    url = f"/v1/responses/{first['response_id']}/updates"
    answer = await dispatch.post(url, json={"status": "acknowledged"}, auth=team)
    assert answer.status_code == 200, answer.text
    return journey, first


def replacement_of(journey, first: dict) -> tuple[dict, dict]:
    replaced = journey.first("continuum.response.replaced.v1").data
    [new] = [e.data for e in journey.events if e.type == ASSIGNED and e.data["replaces"] == first["response_id"]]
    assert (replaced["response_id"], replaced["responder_id"]) == (first["response_id"], first["responder_id"])
    assert (replaced["replaced_by"], replaced["replacement_responder_id"]) == (new["response_id"], new["responder_id"])
    assert new["responder_id"] != first["responder_id"]
    return replaced, new


async def test_team_set_offline_after_acknowledging_is_replaced_at_once(county):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    scenario = homeless_911_call(random.Random(91))
    async with partners(county) as sim, httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
        journey, first = await acknowledged(sim, dispatch, scenario)
        status = f"/v1/responders/{first['responder_id']}/status"
        gone = await dispatch.patch(status, json={"status": "offline"}, headers=admin)
        try:
            assert gone.status_code == 200, gone.text
            assert await eventually(lambda: journey.first("continuum.response.replaced.v1") is not None)
            old = (await dispatch.get(f"/v1/responses/{first['response_id']}", headers=admin)).json()
            roster = {r["responder_id"]: r for r in (await dispatch.get("/v1/responders", headers=admin)).json()}
        finally:
            await dispatch.patch(status, json={"status": "available"}, headers=admin)
        assert sim.phi_on_topic(scenario) == []
    replaced, new = replacement_of(journey, first)
    assert replaced["reason"] == new["reason"] == "team_offline"
    assert old["status"] == "replaced"
    offline_team = roster[first["responder_id"]]
    assert offline_team["status"] == "offline" and offline_team["active_responses"] == 0
    assert roster[new["responder_id"]]["active_responses"] >= 1


async def test_team_silent_after_acknowledging_is_replaced_after_the_progress_timeout(county):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    scenario = homeless_911_call(random.Random(92))
    async with partners(county) as sim, httpx.AsyncClient(base_url=county.urls["dispatch"]) as dispatch:
        journey, first = await acknowledged(sim, dispatch, scenario)
        assert await eventually(lambda: journey.first("continuum.response.replaced.v1") is not None, timeout=45)
        old = (await dispatch.get(f"/v1/responses/{first['response_id']}", headers=admin)).json()
        assert sim.phi_on_topic(scenario) == []
    replaced, new = replacement_of(journey, first)
    assert replaced["reason"] == new["reason"] == "no_update_after_acknowledgement"
    assert old["status"] == "replaced"
    assert journey.order().index("response.updated") < journey.order().index("response.replaced")
