"""One crisis episode through the four services, each its own OS process, over the real broker."""

import asyncio
import random
from datetime import datetime

import pytest
from continuum_dispatch.handlers import PUBLISHES as DISPATCH
from continuum_followup.handlers import PUBLISHES as FOLLOWUP
from continuum_handoff.handlers import PUBLISHES as HANDOFF
from continuum_intake.handlers import PUBLISHES as INTAKE
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_911_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


@pytest.mark.parametrize("databases", ["sqlite", "postgresql"])
async def test_911_call_walks_from_contact_to_closure_without_police(
    kafka_bootstrap, topic, tmp_path, databases, request
):
    scenario = homeless_911_call(random.Random(3))
    urls = {}
    if databases == "postgresql":  # one database per service, as in a county deployment
        create = request.getfixturevalue("new_postgres_database")
        urls = {service: create() for service in ("intake", "dispatch", "handoff", "followup")}
    stack = Stack(kafka_bootstrap, tmp_path / "stack", topic=topic, group_prefix=topic, database_urls=urls)
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(kafka_bootstrap, topic, stack.urls, admin_token=stack.admin_token) as partners:
            journey = await partners.post(scenario)
            assert await partners.wait_closed([journey.episode_id], timeout=90) == []

            async def closed_everywhere():
                view = await partners.service_view(journey.episode_id)
                loops_closed = [h["status"] for h in view["handoffs"]] == ["completed"] and [
                    r["status"] for r in view["referrals"]
                ] == ["completed"]  # the facility and the housing partner answer on their own time
                # Nobody told dispatch the person was admitted: the bed still held is released at closure.
                published = {"handoff.completed", "referral.result", "placement.released"} <= set(journey.order())
                return view if view["intake"]["status"] == "closed" and loops_closed and published else None

            view = await eventually(closed_everywhere, timeout=20)
            health = await partners.health()
    finally:
        await asyncio.to_thread(stack.stop)

    assert journey.counts() == {
        "contact.received": 1,
        "episode.opened": 1,
        "episode.triaged": 1,
        "response.assigned": 1,
        "response.updated": 1,
        "lawenforcement.deflected": 1,
        "response.resolved": 1,
        "placement.reserved": 1,
        "handoff.requested": 1,
        "handoff.accepted": 1,
        "handoff.completed": 1,
        "referral.sent": 1,
        "referral.result": 1,
        "followup.scheduled": 2,
        "followup.attempted": 2,
        "followup.completed": 2,
        "episode.closed": 1,
        "placement.released": 1,
    }
    assert journey.first("continuum.placement.released.v1").data["reason"] == "episode_closed"
    seq = journey.order()
    causal = [
        "contact.received",
        "episode.opened",
        "episode.triaged",
        "response.assigned",
        "response.resolved",
        "placement.reserved",
        "handoff.requested",
        "handoff.accepted",
        "handoff.completed",
    ]
    assert [seq.index(t) for t in causal] == sorted(seq.index(t) for t in causal)
    assert seq.index("response.resolved") < seq.index("followup.scheduled") < seq.index("episode.closed")
    assert max(i for i, t in enumerate(seq) if t == "followup.completed") < seq.index("episode.closed")

    declared = {
        "/continuum/intake": INTAKE,
        "/continuum/dispatch": DISPATCH,
        "/continuum/handoff": HANDOFF,
        "/continuum/followup": FOLLOWUP,
    }
    assert [(e.source, e.type) for e in journey.events if e.type not in declared[e.source]] == []
    assert all(event.traceparent for event in journey.events), "an event travelled without trace context"
    by_type = {event.type.removeprefix("continuum.").removesuffix(".v1"): event for event in journey.events}
    assert by_type["response.assigned"].trace_id == by_type["contact.received"].trace_id, (
        "the assignment is not in the trace of the partner request that caused it"
    )

    assert {name: report["database"]["dialect"] for name, report in health.items()} == dict.fromkeys(
        ("intake", "dispatch", "handoff", "followup"), databases
    )
    assert view is not None, "intake never saw the episode closed"
    assert view["intake"]["stage"] == "closed" and view["intake"]["closure_reason"] == "plan_complete"
    [response] = view["responses"]
    assert response["response_type"] == "mobile_team" and response["with_peer"] is True
    assert response["status"] == "resolved" and response["disposition"] == "transported_to_stabilization"
    [handoff] = view["handoffs"]
    assert handoff["status"] == "completed" and handoff["to_party"].startswith("stabilization")
    [referral] = view["referrals"]
    assert referral["kind"] == "housing_coordinated_entry"
    assert view["followups"]["plan_status"] == "closed"
    due = sorted(datetime.fromisoformat(c["due_at"]) for c in view["followups"]["checkins"])
    assert [c["status"] for c in view["followups"]["checkins"]] == ["completed", "completed"]
    assert (due[1] - due[0]).total_seconds() == 48 * 3600

    caller = scenario.contact["caller"]
    phi = [caller["name"], caller["phone"], caller["address"], caller["date_of_birth"], scenario.contact["note"]]
    carried = repr([event.data for event in journey.events])
    logs = "".join(path.read_text(errors="replace") for path in (tmp_path / "stack").glob("*.log"))
    assert [p for p in phi if p in carried] == []
    assert [p for p in phi if p in logs] == []
