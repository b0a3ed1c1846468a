"""A partner that never answers: the county's journeys when a housing partner or a receiving facility goes silent.

The four services run as separate processes on the real broker with short county timers (a referral's reminders
and escalation in seconds, a handoff's completion window in seconds); the simulated partners answer as the
mobile-team app only, so the housing partner and the facility stay silent unless the test speaks for them.
"""

import random
from functools import partial

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_311_request
from continuum_sim.stack import Stack

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
