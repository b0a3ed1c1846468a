"""A partner that never answers: the county's journeys when a housing partner or a receiving facility goes silent.

The four services and the board run as separate processes on the real broker with short county timers (a
referral's reminders and escalation in seconds, a handoff's completion window in seconds); the simulated partners
answer as the mobile-team app only, so the housing partner, the facility and the follow-up peer stay silent unless
the test speaks for them.
"""

import random
from functools import partial

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_311_request
from continuum_sim.stack import Stack, board_process

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

SHORT_TIMERS = {
    "CONTINUUM_TIMER_SWEEP_SECONDS": "0.5",
    "CONTINUUM_REFERRAL_REMINDER_HOURS": "[0.0005, 0.001]",  # reminders at 1.8 s and 3.6 s
    "CONTINUUM_REFERRAL_ESCALATE_AFTER_HOURS": "0.001",  # escalation 3.6 s after the last reminder
    "CONTINUUM_COMPLETE_WITHIN_MINUTES": "0.1",  # an accepted handoff must complete within 6 s
}
OTHER_HOUSING = "rapid-rehousing-north"


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    topic = f"test.silent.{random.getrandbits(40):010x}"
    stack = Stack(
        kafka_bootstrap, tmp_path_factory.mktemp("county"), topic=topic, group_prefix=topic, extra_env=SHORT_TIMERS
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def board(county):
    """The operations board beside the county: the supervisor's queue."""
    process = board_process(county, county.workdir / "board.log", session_cookie_secure="false")
    try:
        process.start()
        process.wait_healthy(timeout=240)
        yield process
    finally:
        process.stop()


partners = partial(Partners.of, answers=frozenset({"mobile_app"}))  # only the team app answers


async def test_unanswered_housing_referral_escalates_and_the_supervisor_reassigns_it_to_another_partner(county):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with partners(county) as sim:
        journey = await sim.post(homeless_311_request(random.Random(91)))
        escalated = await eventually(lambda: journey.first("continuum.referral.escalated.v1"), timeout=60)
        assert escalated, "the silent partner's referral never escalated"
        sent = journey.first("continuum.referral.sent.v1").data
        async with httpx.AsyncClient(base_url=county.urls["handoff"]) as handoff:
            shown = (await handoff.get(f"/v1/referrals/{sent['referral_id']}", headers=admin)).json()
            queue = (await handoff.get("/v1/escalations", headers=admin)).json()
            path = f"/v1/referrals/{sent['referral_id']}/resolution"
            reassign = {"action": "reassign", "to_party": OTHER_HOUSING, "by": "supervisor-7"}
            refused = await handoff.post(path, json=reassign)
            answer = await handoff.post(path, json=reassign, headers=admin)

        def new_referral():
            sent_again = [e.data for e in journey.events if e.type == "continuum.referral.sent.v1"]
            return sent_again[1] if len(sent_again) > 1 else None

        again = await eventually(new_referral)
        assert again, "the other partner was never sent the referral"
        other = await sim.credentials("handoff", OTHER_HOUSING)
        async with httpx.AsyncClient(base_url=county.urls["handoff"], auth=other) as handoff:
            result = {"result": "successful_referral_client_accepted", "result_date": escalated.time.isoformat()}
            answered = await handoff.post(f"/v1/referrals/{again['referral_id']}/result", json=result)
        assert await eventually(lambda: journey.first("continuum.referral.result.v1"))

    assert escalated.data["reason"] == "reminders_unanswered" and escalated.data["reminders"] == 2
    first = [e for e in journey.events if e.data.get("referral_id") == sent["referral_id"]]
    assert [e.type.split(".")[2] for e in first if e.type.startswith("continuum.referral.")].count("escalated") == 1
    assert journey.counts()["referral.reminded"] >= 2
    assert shown["escalated_at"] and shown["awaits_supervisor"] is True and shown["status"] == "requested"
    assert [r["referral_id"] for r in queue["referrals"]] == [sent["referral_id"]]
    assert refused.status_code == 401 and answer.status_code == 200
    closed = journey.first("continuum.referral.closed.v1").data
    assert (closed["reason"], closed["replaced_by"], closed["closed_by"]) == (
        "reassigned",
        again["referral_id"],
        "supervisor-7",
    )
    assert (again["to_party"], again["replaces"]) == (OTHER_HOUSING, sent["referral_id"])
    assert answered.status_code == 200 and answered.json()["status"] == "completed"
    assert sim.phi_on_topic(journey.scenario) == []


async def test_accepted_handoff_whose_facility_goes_silent_escalates_once(county):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with partners(county) as sim:
        journey = await sim.post(homeless_311_request(random.Random(92)))
        assert await eventually(lambda: journey.first("continuum.handoff.requested.v1"), timeout=60)
        requested = journey.first("continuum.handoff.requested.v1").data
        facility = await sim.credentials("handoff", requested["to_party"])
        async with httpx.AsyncClient(base_url=county.urls["handoff"]) as handoff:
            accepted = await handoff.post(f"/v1/handoffs/{requested['handoff_id']}/accept", auth=facility)
            escalated = await eventually(lambda: journey.first("continuum.handoff.escalated.v1"), timeout=60)
            assert escalated, "the silent facility's handoff never escalated"
            shown = (await handoff.get(f"/v1/handoffs/{requested['handoff_id']}", auth=facility)).json()
            queue = (await handoff.get("/v1/escalations", headers=admin)).json()

    assert accepted.status_code == 200
    assert (escalated.data["handoff_id"], escalated.data["reason"]) == (
        requested["handoff_id"],
        "not_completed_in_time",
    )
    assert [e.data["handoff_id"] for e in journey.events if e.type == "continuum.handoff.escalated.v1"] == [
        requested["handoff_id"]
    ]
    assert shown["status"] == "accepted" and shown["stalled_at"]
    assert requested["handoff_id"] in [h["handoff_id"] for h in queue["handoffs"]]
    assert sim.phi_on_topic(journey.scenario) == []


async def facility_accepted_and_went_silent(sim: Partners, journey, handoff: httpx.AsyncClient) -> dict:
    assert await eventually(lambda: journey.first("continuum.handoff.requested.v1"), timeout=60)
    requested = journey.first("continuum.handoff.requested.v1").data
    facility = await sim.credentials("handoff", requested["to_party"])
    accepted = await handoff.post(f"/v1/handoffs/{requested['handoff_id']}/accept", auth=facility)
    assert accepted.status_code == 200, accepted.text
    return requested


async def peer_finishes_every_checkin(sim: Partners, journey, county: Stack) -> tuple[str, str]:
    """The peer reaches the person at each check-in as it is scheduled; the plan's peer team's credentials."""
    scheduled = await eventually(lambda: journey.first("continuum.followup.scheduled.v1"), timeout=60)
    assert scheduled, "no check-in was ever scheduled"
    peer = await sim.credentials("followup", scheduled.data["assigned_peer"])
    async with httpx.AsyncClient(base_url=county.urls["followup"], auth=peer) as followup:
        plan = (await followup.get(f"/v1/episodes/{journey.episode_id}/followups")).json()
        for checkin in plan["checkins"]:
            reached = await followup.post(f"/v1/followups/{checkin['followup_id']}/attempts", json={"reached": True})
            assert reached.status_code == 201, reached.text
    return peer


async def test_a_silent_facilitys_handoff_holds_the_episode_open_until_the_supervisor_cancels_it(county, board):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with (
        partners(county) as sim,
        httpx.AsyncClient(base_url=county.urls["handoff"]) as handoff,
        httpx.AsyncClient(base_url=board.url, timeout=10) as queue,
    ):
        journey = await sim.post(homeless_311_request(random.Random(93)))
        requested = await facility_accepted_and_went_silent(sim, journey, handoff)
        peer = await peer_finishes_every_checkin(sim, journey, county)

        async def plan_waits():
            async with httpx.AsyncClient(base_url=county.urls["followup"], auth=peer) as followup:
                plan = (await followup.get(f"/v1/episodes/{journey.episode_id}/followups")).json()
            return plan if plan["closure_waiting"] == "plan_complete" else None

        waiting = await eventually(plan_waits, timeout=60)  # followup decided: the plan is done, the closure waits
        assert waiting, "followup never deferred the closure"
        assert journey.closed is None, "the episode closed with the person between two owners"

        created = await queue.post("/v1/admin/operators", json={"username": "supervisor-3", "password": "p" * 16})
        assert created.status_code == 401, "only county IT creates operators"
        created = await queue.post(
            "/v1/admin/operators", json={"username": "supervisor-3", "password": "p" * 16}, headers=admin
        )
        assert created.status_code == 201, created.text
        signed_in = await queue.post("/v1/session", json={"username": "supervisor-3", "password": "p" * 16})
        assert signed_in.status_code == 200, signed_in.text

        async def stalled_item():
            items = (await queue.get("/v1/queue")).json()["items"]
            return next(
                (i for i in items if i["episode_id"] == journey.episode_id and i["kind"] == "handoff_stalled"), None
            )

        item = await eventually(stalled_item, timeout=60)
        assert item, "the silent facility's handoff never reached the supervisor's queue"
        resolved = await queue.post(f"/v1/queue/{item['escalation_id']}/resolution", json={"resolution": "cancelled"})
        assert resolved.status_code == 200, resolved.text
        assert await eventually(lambda: journey.closed, timeout=60), "the episode never closed after the cancellation"
        shown = (await handoff.get(f"/v1/handoffs/{requested['handoff_id']}", headers=admin)).json()

    assert (waiting["open_handoffs"], waiting["plan_status"]) == (1, "open")
    assert item["subject_id"] == requested["handoff_id"] and item["party"] == requested["to_party"]
    cancelled = journey.first("continuum.handoff.cancelled.v1")
    assert (cancelled.data["handoff_id"], cancelled.data["reason"]) == (
        requested["handoff_id"],
        "cancelled_by_supervisor",
    )
    order = journey.order()
    assert order.index("escalation.resolved") < order.index("handoff.cancelled") < order.index("episode.closed")
    assert journey.closed.data["reason"] == "plan_complete"
    assert shown["status"] == "cancelled"
    assert sim.phi_on_topic(journey.scenario) == []


async def test_a_place_that_declines_hands_the_person_to_the_next_one_and_with_none_left_a_supervisor_is_told(
    county, board
):
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with (
        partners(county) as sim,
        httpx.AsyncClient(base_url=county.urls["dispatch"], headers=admin) as dispatch,
        httpx.AsyncClient(base_url=county.urls["handoff"]) as handoff,
        httpx.AsyncClient(base_url=board.url, timeout=10) as queue,
    ):
        # A second respite with less room than the first: asked only when the first declines.
        added = await dispatch.put("/v1/places/peer-respite-small", json={"place_type": "peer_respite", "capacity": 1})
        assert added.status_code in (200, 201), added.text
        journey = await sim.post(homeless_311_request(random.Random(94)))

        def requests():
            return [e.data for e in journey.events if e.type == "continuum.handoff.requested.v1"]

        for n in (1, 2):
            assert await eventually(lambda n=n: len(requests()) >= n, timeout=60), f"handoff {n} was never requested"
            asked = requests()[n - 1]
            place = await sim.credentials("handoff", asked["to_party"])
            path = f"/v1/handoffs/{asked['handoff_id']}/decline"
            refused = await handoff.post(path, json={"reason": "no_capacity"}, auth=place)
            assert refused.status_code == 200, refused.text
        told = await eventually(lambda: journey.first("continuum.placement.unavailable.v1"), timeout=60)
        assert told, "nobody was told the person had nowhere to go"

        created = await queue.post(
            "/v1/admin/operators", json={"username": "supervisor-4", "password": "q" * 16}, headers=admin
        )
        assert created.status_code == 201, created.text
        assert (await queue.post("/v1/session", json={"username": "supervisor-4", "password": "q" * 16})).is_success

        async def no_place_item():
            items = (await queue.get("/v1/queue")).json()["items"]
            return next((i for i in items if i["episode_id"] == journey.episode_id and i["kind"] == "no_place"), None)

        item = await eventually(no_place_item, timeout=60)

    first, second = (r["to_party"] for r in requests())
    assert (first, second) == ("peer-respite-1", "peer-respite-small")
    released = [e.data for e in journey.events if e.type == "continuum.placement.released.v1"]
    assert [(r["place_id"], r["reason"]) for r in released] == [
        ("peer-respite-1", "handoff_declined"),
        ("peer-respite-small", "handoff_declined"),
    ]
    reserved = [e.data["place_id"] for e in journey.events if e.type == "continuum.placement.reserved.v1"]
    assert reserved == ["peer-respite-1", "peer-respite-small"], "a place that declined is not asked again"
    assert (told.data["reason"], told.data["declined_by"], told.data["place_type"]) == (
        "declined_and_no_other_place",
        "peer-respite-small",
        "peer_respite",
    )
    assert item, "the supervisor's queue never showed the person with nowhere to go"
    assert (item["escalation_id"], item["party"], item["state"]) == (told.id, "peer-respite-small", "open")
    assert sim.phi_on_topic(journey.scenario) == []
