"""The supervisor sees what needs a human: the four services and the board as processes on the real broker.

A county whose teams cannot meet a five-minute target: the 911 call's team is sent late and the board's
"needs a human" queue shows it. The supervisor acknowledges it (twice: harmless). The team then goes
offline: the board shows it dropped out and offline, the replacement finishes the first item, and the
supervisor resolves the drop-out.
Each act of the supervisor is one event on the topic, keyed by the episode, and no event carries PHI.
"""

import random

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_911_call
from continuum_sim.stack import Stack, board_process

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
PASSWORD = "correct horse battery staple"
ACKNOWLEDGED = "continuum.escalation.acknowledged.v1"
RESOLVED = "continuum.escalation.resolved.v1"


@pytest.fixture
def county(kafka_bootstrap, topic, tmp_path):
    stack = Stack(
        kafka_bootstrap,
        tmp_path / "county",
        topic=topic,
        group_prefix=topic,
        extra_env={
            "CONTINUUM_RESPONSE_TARGET_MINUTES": '{"urban": 5, "rural": 5}',
            "CONTINUUM_TIMER_SWEEP_SECONDS": "0.5",
        },
    )
    board = board_process(stack, tmp_path / "board.log", roster_poll_seconds="0.5", session_cookie_secure="false")
    processes = [*stack.services.values(), board]
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_healthy(timeout=240)
        yield stack, board
    finally:
        board.stop()
        stack.stop()


async def signed_in(board: httpx.AsyncClient, admin: dict) -> str:
    created = await board.post(
        "/v1/admin/operators", json={"username": "supervisor-7", "password": PASSWORD}, headers=admin
    )
    assert created.status_code == 201, created.text
    session = await board.post("/v1/session", json={"username": "supervisor-7", "password": PASSWORD})
    assert session.status_code == 200, session.text
    return "supervisor-7"


async def queue_item(board: httpx.AsyncClient, episode_id: str, kind: str) -> dict | None:
    items = (await board.get("/v1/queue")).json()["items"]
    return next((i for i in items if i["episode_id"] == episode_id and i["kind"] == kind), None)


async def test_the_supervisor_acknowledges_and_resolves_what_needs_a_human_from_the_board(county):
    stack, board_service = county
    admin = {"Authorization": f"Bearer {stack.admin_token}"}
    scenario = homeless_911_call(random.Random(77))
    async with (
        Partners.of(stack, answers=frozenset()) as sim,
        httpx.AsyncClient(base_url=board_service.url, timeout=10) as board,
        httpx.AsyncClient(base_url=stack.urls["dispatch"], headers=admin, timeout=10) as dispatch,
    ):
        assert (await board.get("/v1/queue")).status_code == 401, "the queue is for signed-in operators"
        operator = await signed_in(board, admin)
        journey = await sim.post(scenario)
        episode_id = journey.episode_id

        late = await eventually(lambda: queue_item(board, episode_id, "no_team"), timeout=60)
        assert late, "the late team never reached the supervisor's queue"
        assert late["reason"] == "no_team_meets_target" and late["state"] == "open"
        assert late["waited_seconds"] >= 0 and late["acknowledged_by"] is None
        escalated = journey.first("continuum.response.escalated.v1")
        assert late["escalation_id"] == escalated.id

        acknowledge = f"/v1/queue/{late['escalation_id']}/acknowledgement"
        first, again = await board.post(acknowledge), await board.post(acknowledge)
        assert (first.status_code, again.status_code) == (200, 200)
        assert first.json()["acknowledged_by"] == again.json()["acknowledged_by"] == operator
        assert (await board.post("/v1/queue/not-an-item/acknowledgement")).status_code == 404

        team = journey.first("continuum.response.assigned.v1").data["responder_id"]
        offline = await dispatch.patch(f"/v1/responders/{team}/status", json={"status": "offline"})
        assert offline.status_code == 200, offline.text
        dropped = await eventually(lambda: queue_item(board, episode_id, "team_dropped_out"), timeout=60)
        assert dropped and dropped["reason"] == "team_offline" and dropped["party"] == team

        async def shown_offline() -> bool:
            teams = (await board.get("/v1/board")).json()["teams"]
            return any(t["responder_id"] == team and t["status"] == "offline" for t in teams)

        assert await eventually(shown_offline, timeout=30), "the board never showed the team offline"

        # The replacement team is going: dispatch finished the first item; the drop-out waits for the supervisor.
        finished = (await board.get(f"/v1/queue/{late['escalation_id']}")).json()
        assert (finished["state"], finished["resolved_by"]) == ("resolved", "dispatch")
        assert (await board.post(acknowledge)).status_code == 409, "a resolved item cannot be acknowledged again"
        resolve = f"/v1/queue/{dropped['escalation_id']}/resolution"
        resolved = await board.post(resolve, json={"resolution": "handled"})
        assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
        assert resolved.json()["resolved_by"] == operator
        assert (await board.post(resolve, json={"resolution": "handled"})).status_code == 200, "a repeat is harmless"
        assert await eventually(lambda: journey.first(RESOLVED) is not None)
        remaining = [i["escalation_id"] for i in (await board.get("/v1/queue")).json()["items"]]
        assert late["escalation_id"] not in remaining and dropped["escalation_id"] not in remaining

    [acknowledged] = [e for e in journey.events if e.type == ACKNOWLEDGED]
    [resolution] = [e for e in journey.events if e.type == RESOLVED]
    assert (acknowledged.data["escalation_id"], resolution.data["escalation_id"]) == (
        late["escalation_id"],
        dropped["escalation_id"],
    )
    assert acknowledged.data["by"] == resolution.data["by"] == operator
    assert acknowledged.source == "/continuum/board"
    assert sim.phi_on_topic(scenario) == []
