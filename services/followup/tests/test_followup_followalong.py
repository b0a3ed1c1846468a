"""Post-crisis follow-along without a broker: programs, triggers, attempts, family support and closure."""

from datetime import timedelta
from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeTriagedV1,
    HandoffCompletedV1,
    PlacementDischargedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import Acuity, Channel, Disposition, Need, PlaceType, ResponseType, Stage
from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_followup.timers import close_quiet_plans
from continuum_kit.testing import api_client, outbox, register_partner, unit_of_work
from pydantic import ValidationError

from .conftest import deliver_to

EPISODE = uuid4()
CLOSED = "continuum.episode.closed.v1"
ATTEMPTED = "continuum.followup.attempted.v1"
REENGAGE = "continuum.reengagement.requested.v1"


@pytest.fixture
def settings():
    return FollowupSettings(quiet_period_days=2)


deliver = partial(deliver_to, EPISODE)


def triaged(program):
    return EpisodeTriagedV1(
        contact_id=uuid4(),
        channel=Channel.TRANSFER_911,
        stage=Stage.SUB_ACUTE,
        acuity=Acuity.URGENT,
        recommended_response=ResponseType.MOBILE_TEAM,
        police_required=False,
        program=program,
    )


def resolved(disposition=Disposition.RESOLVED_IN_PLACE):
    return ResponseResolvedV1(
        response_id=uuid4(), responder_id="mobile-team-m3", disposition=disposition, needs=[Need.MENTAL_HEALTH]
    )


def sweep(engine, clock):
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        closed = close_quiet_plans(uow)
        uow.commit()
    return closed


def plan(client):
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def checkin_ids(client, recipient="person"):
    return [c["followup_id"] for c in plan(client)["checkins"] if c["recipient"] == recipient]


def attempt(client, followup_id, reached=False, **body):
    return client.post(f"/v1/followups/{followup_id}/attempts", json={"reached": reached, **body})


def of_type(engine, event_type):
    return [e for e in outbox(engine) if e.type == event_type]


def test_diversion_program_checks_in_at_48_hours(engine, clock, client, settings):
    deliver(engine, clock, settings, triaged("pre-arrest-diversion"))
    deliver(engine, clock, settings, resolved())
    [scheduled] = outbox(engine)
    assert scheduled.data.due_at == clock.now() + timedelta(hours=48)
    assert (scheduled.data.recipient, scheduled.data.channel, scheduled.data.assigned_peer) == (
        "person",
        "phone",
        "peer-followup-team",
    )


def test_other_programs_use_the_default_hours_and_programs_accept_fractional_hours(engine, clock, client):
    fast = FollowupSettings(program_checkin_hours={"988": [0.5, 0.25]})
    deliver(engine, clock, fast, triaged("988"))
    deliver(engine, clock, fast, resolved())
    assert [e.data.due_at - clock.now() for e in outbox(engine)] == [timedelta(minutes=15), timedelta(minutes=30)]
    other = uuid4()
    envelope = Envelope.new(resolved(), episode_id=other, source="/continuum/test", time=clock.now())
    with unit_of_work(engine, clock) as uow:
        build_handlers(fast)[type(envelope.data)](uow, envelope)
        uow.commit()
    assert [e.data.due_at - clock.now() for e in outbox(engine)[2:]] == [timedelta(hours=24), timedelta(hours=72)]


def test_handoff_completion_schedules_followup_once(engine, clock, client, settings):
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=uuid4()))
    assert [e.type for e in outbox(engine)] == ["continuum.followup.scheduled.v1"] * 2
    clock.advance(timedelta(hours=5))
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=uuid4()))
    deliver(engine, clock, settings, resolved())
    deliver(
        engine,
        clock,
        settings,
        PlacementDischargedV1(reservation_id=uuid4(), place_id="csu-1", place_type=PlaceType.STABILIZATION_UNIT),
    )
    assert len(outbox(engine)) == 2 and len(plan(client)["checkins"]) == 2


def test_discharge_from_stabilization_schedules_followup(engine, clock, client, settings):
    stay = PlacementDischargedV1(reservation_id=uuid4(), place_id="csu-1", place_type=PlaceType.STABILIZATION_UNIT)
    deliver(engine, clock, settings, stay)
    assert [c["status"] for c in plan(client)["checkins"]] == ["scheduled", "scheduled"]


def test_three_failed_attempts_request_reengagement_and_keep_the_episode_open(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    first = checkin_ids(client)[0]
    answers = [attempt(client, first).json() for _ in range(3)]
    assert [a["checkin"]["status"] for a in answers] == ["scheduled", "scheduled", "unreachable"]
    [request] = of_type(engine, REENGAGE)
    assert (request.data.attempts, request.data.reason) == (3, "attempts_exhausted")
    assert str(request.data.followup_id) == first
    assert attempt(client, first).status_code == 201
    assert len(of_type(engine, REENGAGE)) == 1 and of_type(engine, CLOSED) == []
    assert plan(client)["plan_status"] == "open"
    outreach = attempt(client, first, reached=True, channel="in_person")
    assert outreach.json()["checkin"]["status"] == "completed"


def test_max_attempts_comes_from_settings_within_three_to_five(engine, clock):
    with pytest.raises(ValidationError):
        FollowupSettings(max_attempts=2)
    with pytest.raises(ValidationError):
        FollowupSettings(max_attempts=6)
    patient = FollowupSettings(max_attempts=5)
    client = api_client(api.router, engine, clock, patient)
    client.auth = register_partner(engine, patient.peer_pool_id)
    deliver(engine, clock, patient, resolved())
    first = checkin_ids(client)[0]
    statuses = [attempt(client, first).json()["checkin"]["status"] for _ in range(5)]
    assert statuses == ["scheduled"] * 4 + ["unreachable"]


def test_attempt_finding_renewed_risk_is_reported(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    first = checkin_ids(client)[0]
    body = {"renewed_risk": True, "safety_flags": ["imminent_risk_with_means"], "new_needs": ["substance_use"]}
    assert attempt(client, first, reached=True, wellbeing="struggling", **body).status_code == 201
    [risk] = of_type(engine, "continuum.followup.risk_found.v1")
    assert str(risk.data.followup_id) == first and risk.subject == str(EPISODE)
    assert (risk.data.safety_flags, risk.data.needs) == (["imminent_risk_with_means"], ["substance_use"])
    assert plan(client)["plan_status"] == "suspended"  # the person comes back: a new round follows the response


def test_every_attempt_is_published_without_phi(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    first = checkin_ids(client)[0]
    assert attempt(client, first, notes="said she was at her sister's").status_code == 422
    assert attempt(client, first, wellbeing="free text with spaces").status_code == 422
    attempt(client, first)
    attempt(client, first, reached=True, channel="text", wellbeing="stable", new_needs=["housing"])
    published = of_type(engine, ATTEMPTED)
    assert [(e.data.reached, e.data.attempts, e.data.channel) for e in published] == [
        (False, 1, "phone"),
        (True, 2, "text"),
    ]
    assert set(published[1].data.model_dump()) == {
        "followup_id",
        "sequence",
        "reached",
        "attempts",
        "channel",
        "wellbeing",
        "new_needs",
    }
    assert (published[1].data.wellbeing, published[1].data.new_needs) == ("stable", ["housing"])


def test_family_support_needs_consent_and_gets_its_own_checkin(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    url = f"/v1/episodes/{EPISODE}/family-contacts"
    for refused in ({"relationship": "parent"}, {"consented": False, "relationship": "parent"}):
        response = client.post(url, json=refused)
        assert response.status_code == 422 and "consented" in response.text
    unknown = client.post(f"/v1/episodes/{uuid4()}/family-contacts", json={"consented": True, "relationship": "parent"})
    assert unknown.status_code == 404
    added = client.post(url, json={"consented": True, "relationship": "parent"})
    assert added.status_code == 201 and added.json()["recipient"] == "family" and added.json()["sequence"] == 3
    [family] = [e for e in outbox(engine) if e.type.endswith("scheduled.v1") and e.data.recipient == "family"]
    assert family.data.due_at == clock.now() + timedelta(hours=24)
    for person in checkin_ids(client):
        attempt(client, person, reached=True)
    assert plan(client)["plan_status"] == "closed" and plan(client)["closure_reason"] == "plan_complete"
    assert client.get(f"/v1/followups/{family.data.followup_id}").json()["status"] == "scheduled"
    again = client.post(url, json={"consented": True, "relationship": "sibling"})
    assert again.status_code == 409


def test_unreachable_family_asks_for_no_reengagement(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    added = client.post(f"/v1/episodes/{EPISODE}/family-contacts", json={"consented": True, "relationship": "parent"})
    statuses = [attempt(client, added.json()["followup_id"]).json()["checkin"]["status"] for _ in range(3)]
    assert statuses[-1] == "unreachable" and of_type(engine, REENGAGE) == []


def test_person_declining_further_contact_closes_the_episode_once(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    client.post(f"/v1/episodes/{EPISODE}/family-contacts", json={"consented": True, "relationship": "parent"})
    first = checkin_ids(client)[0]
    attempt(client, first, reached=True)
    declined = client.post(f"/v1/episodes/{EPISODE}/decline", json={})
    assert declined.status_code == 200 and declined.json()["closure_reason"] == "declined_further_contact"
    assert [c["status"] for c in declined.json()["checkins"]] == ["completed", "cancelled", "cancelled"]
    assert client.post(f"/v1/episodes/{EPISODE}/decline", json={}).status_code == 200
    [closed] = of_type(engine, CLOSED)
    assert closed.data.reason == "declined_further_contact"
    remaining = declined.json()["checkins"][1]["followup_id"]
    assert attempt(client, remaining, reached=True).json()["detail"]["current_status"] == "cancelled"
    clock.advance(timedelta(days=30))
    assert sweep(engine, clock) == 0 and len(of_type(engine, CLOSED)) == 1


def test_declining_before_any_trigger_prevents_a_plan(engine, clock, client, settings):
    deliver(engine, clock, settings, triaged("988"))
    assert client.post(f"/v1/episodes/{EPISODE}/decline", json={}).json()["plan_status"] == "closed"
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=uuid4()))
    assert [e.type for e in outbox(engine)] == [CLOSED]


def test_quiet_period_closes_a_silent_plan(engine, clock, client, settings):
    deliver(engine, clock, settings, resolved())
    clock.advance(timedelta(hours=72) + timedelta(days=2) - timedelta(seconds=1))
    assert sweep(engine, clock) == 0 and plan(client)["plan_status"] == "open"
    clock.advance(timedelta(seconds=1))
    assert sweep(engine, clock) == 1 and sweep(engine, clock) == 0
    [closed] = of_type(engine, CLOSED)
    assert closed.data.reason == "quiet_period_elapsed"
    assert [c["status"] for c in plan(client)["checkins"]] == ["cancelled", "cancelled"]


def test_family_contacts_and_declines_need_a_registered_partner(engine, clock, settings, client):
    deliver(engine, clock, settings, resolved())
    before = len(outbox(engine))
    family = client.post(
        f"/v1/episodes/{EPISODE}/family-contacts", json={"consented": True, "relationship": "parent"}, auth=None
    )
    declined = client.post(f"/v1/episodes/{EPISODE}/decline", json={}, auth=("peer-followup-team", "wrong" * 6))
    assert (family.status_code, declined.status_code) == (401, 401)
    assert len(outbox(engine)) == before
    assert client.get(f"/v1/episodes/{EPISODE}/followups").json()["plan_status"] == "open"
