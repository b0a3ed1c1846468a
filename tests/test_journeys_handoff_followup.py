"""Warm handoffs, pre-arrest diversion, housing referral and follow-up to closure: the county's journeys.

The four services run as separate processes on the real broker; a simulated officer's system, care
navigation, facility, housing partner and follow-up peers talk to them over HTTP.
"""

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import (
    crisis_text_declines,
    homeless_311_request,
    police_diversion,
    substance_use_outreach,
    warmline_call,
)
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    topic = f"test.followalong.{random.getrandbits(40):010x}"
    stack = Stack(kafka_bootstrap, tmp_path_factory.mktemp("county"), topic=topic, group_prefix=topic)
    stack.start()
    yield stack
    stack.stop()


partners = Partners.of


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


async def test_housing_partner_gets_substance_use_information_only_under_a_part2_consent_until_it_is_revoked(county):
    scenario = substance_use_outreach(random.Random(46))
    scenario = replace(
        scenario, contact=scenario.contact | {"needs": ["substance_use", "housing"]}, needs=["substance_use", "housing"]
    )
    caller, note = scenario.contact["caller"], scenario.contact["note"]
    admin = {"Authorization": f"Bearer {county.admin_token}"}
    async with partners(county) as sim:
        journey = await sim.post(scenario)
        assert await eventually(lambda: journey.first("continuum.referral.sent.v1"), timeout=60)
        referral = journey.first("continuum.referral.sent.v1").data
        housing = await sim.credentials("handoff", referral["to_party"])
        outreach = sim.credentials_at_intake("outreach-team")
        ask = f"{county.urls['handoff']}/v1/referrals/{referral['referral_id']}/disclosure"
        wanted = {"categories": ["identity", "needs", "substance_use"], "purpose": "housing_assistance"}
        consents = f"{county.urls['intake']}/v1/episodes/{journey.episode_id}/consents"
        expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        async with httpx.AsyncClient() as http:
            hipaa = {
                "scope": ["identity", "needs"],
                "recipients": [referral["to_party"]],
                "purpose": "housing_assistance",
            }
            hipaa_consent = await http.post(consents, json=hipaa | {"expires_at": expires}, auth=outreach)
            without_part2 = await http.post(ask, json=wanted, auth=housing)

            part2 = hipaa | {
                "scope": ["substance_use"],
                "part2": True,
                "recipients": [],
                "recipient_categories": ["housing"],
            }
            part2_consent = await http.post(consents, json=part2 | {"expires_at": expires}, auth=outreach)
            with_part2 = await http.post(ask, json=wanted, auth=housing)

            respite = await sim.credentials("handoff", "peer-respite-east")
            not_addressed = await http.post(ask, json=wanted, auth=respite)

            for given in (hipaa_consent, part2_consent):
                revoked = await http.post(
                    f"{county.urls['intake']}/v1/consents/{given.json()['consent_id']}/revoke", auth=outreach
                )
                assert revoked.status_code == 200
            after_revocation = await http.post(ask, json=wanted, auth=housing)
            audit = await http.get(
                f"{county.urls['intake']}/v1/episodes/{journey.episode_id}/disclosures", headers=admin
            )
        assert await eventually(lambda: journey.counts()["disclosure.recorded"] == 3)
        assert await eventually(lambda: journey.counts()["consent.revoked"] == 2)

    assert (hipaa_consent.status_code, part2_consent.status_code) == (201, 201)
    first = without_part2.json()
    assert without_part2.status_code == 200
    assert first["released"]["identity"]["name"] == caller["name"]
    assert first["released"]["needs"] == ["housing"] and "substance_use" not in first["released"]
    assert note not in without_part2.text and "substance_use" not in str(first["released"])
    assert [w["category"] for w in first["withheld"]] == ["substance_use"]
    assert first["redisclosure_notice"] is None
    assert [label["code"] for label in first["security"]] == [
        "R"
    ]  # DS4P labels, relayed by handoff as intake gave them

    second = with_part2.json()
    assert with_part2.status_code == 200
    assert second["released"]["substance_use"]["notes"][0]["note"] == note
    scopes = sorted((c["scope"], c["part2"]) for c in second["consents"])
    assert scopes == [(["identity", "needs"], False), (["substance_use"], True)]
    assert "42 CFR part 2" in second["redisclosure_notice"]
    assert [label["code"] for label in second["security"]] == ["R", "42CFRPart2", "NORDSCLCD"]

    assert not_addressed.status_code == 403 and not_addressed.json()["detail"]["addressed_to"] == referral["to_party"]
    assert after_revocation.status_code == 403
    missing = after_revocation.json()["detail"]["missing_consent"]
    assert missing["categories"] == ["identity", "needs", "substance_use"] and missing["part2_required"] is True
    assert caller["name"] not in after_revocation.text

    assert [(a["outcome"], a["released"], a["recipient"]) for a in audit.json()] == [
        ("released", ["identity", "needs"], referral["to_party"]),
        ("released", ["identity", "needs", "substance_use"], referral["to_party"]),
        ("refused", [], referral["to_party"]),
    ]
    on_kafka = " ".join(str(event.data) for event in journey.events)
    for phi in (caller["name"], caller["phone"], caller["date_of_birth"], note):
        assert phi not in on_kafka
