"""Followup without a broker: check-in planning, attempts and episode closure on a migrated SQLite database."""

from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition, Need
from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_kit.testing import api_client, outbox, register_partner, unit_of_work

EPISODE = uuid4()


@pytest.fixture
def client(engine, clock):
    client = api_client(api.router, engine, clock, FollowupSettings())
    client.auth = register_partner(engine, FollowupSettings().peer_pool_id)  # the peer team the check-ins go to
    return client


def resolve(engine, clock, disposition=Disposition.RESOLVED_IN_PLACE, settings=None):
    payload = ResponseResolvedV1(
        response_id=uuid4(), responder_id="mobile-team-m3", disposition=disposition, needs=[Need.MENTAL_HEALTH]
    )
    envelope = Envelope.new(payload, episode_id=EPISODE, source="/continuum/dispatch", time=clock.now())
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        build_handlers(settings or FollowupSettings())[type(envelope.data)](uow, envelope)
        uow.commit()


def plan(client):
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def attempt(client, followup_id, reached, **body):
    return client.post(f"/v1/followups/{followup_id}/attempts", json={"reached": reached, **body})


def event_types(engine):
    return [e.type for e in outbox(engine)]


def test_resolved_schedules_two_peer_checkins_at_24_and_72_hours(engine, clock, client):
    resolve(engine, clock)
    events = outbox(engine)
    assert [e.type for e in events] == ["continuum.followup.scheduled.v1"] * 2
    assert [(e.data.sequence, e.data.due_at) for e in events] == [
        (1, clock.now() + timedelta(hours=24)),
        (2, clock.now() + timedelta(hours=72)),
    ]
    assert {(e.data.channel, e.data.assigned_peer) for e in events} == {("phone", "peer-followup-team")}
    shown = plan(client)
    assert shown["plan_status"] == "open" and shown["closure_reason"] is None
    assert [(c["sequence"], c["status"], c["attempts"]) for c in shown["checkins"]] == [
        (1, "scheduled", 0),
        (2, "scheduled", 0),
    ]


def test_checkin_schedule_and_peer_pool_come_from_settings(engine, clock):
    resolve(engine, clock, settings=FollowupSettings(checkin_hours=[48, 4, 168], peer_pool_id="peers-north"))
    events = outbox(engine)
    assert [e.data.due_at - clock.now() for e in events] == [timedelta(hours=h) for h in (4, 48, 168)]
    assert {e.data.assigned_peer for e in events} == {"peers-north"}


def test_declined_services_forces_no_followup_and_closes_the_episode(engine, clock, client):
    resolve(engine, clock, disposition=Disposition.DECLINED_SERVICES)
    [event] = outbox(engine)
    assert event.type == "continuum.episode.closed.v1" and event.data.reason == "declined_further_contact"
    assert plan(client) == {
        "episode_id": str(EPISODE),
        "plan_status": "closed",
        "closure_reason": "declined_further_contact",
        "round": 1,
        "live_responses": 0,
        "response_awaited": False,
        "open_handoffs": 0,
        "closure_waiting": None,
        "checkins": [],
        "earlier_checkins": [],
    }


def test_completing_both_checkins_closes_the_episode_once_with_plan_complete(engine, clock, client):
    resolve(engine, clock)
    first, second = (c["followup_id"] for c in plan(client)["checkins"])
    clock.advance(timedelta(hours=24))
    reached_first = attempt(client, first, True)
    assert reached_first.status_code == 201 and reached_first.json()["plan_status"] == "open"
    assert "continuum.episode.closed.v1" not in event_types(engine)
    clock.advance(timedelta(hours=48))
    reached_second = attempt(client, second, True, channel="text")
    assert reached_second.json()["plan_status"] == "closed"
    assert event_types(engine)[2:] == [
        "continuum.followup.attempted.v1",
        "continuum.followup.completed.v1",
        "continuum.followup.attempted.v1",
        "continuum.followup.completed.v1",
        "continuum.episode.closed.v1",
    ]
    closed = [e for e in outbox(engine) if e.type == "continuum.episode.closed.v1"]
    assert len(closed) == 1 and closed[0].data.reason == "plan_complete" and closed[0].subject == str(EPISODE)
    assert plan(client)["plan_status"] == "closed" and plan(client)["closure_reason"] == "plan_complete"


def test_attempt_not_reached_is_recorded_and_keeps_the_checkin_open(engine, clock, client):
    resolve(engine, clock)
    first = plan(client)["checkins"][0]["followup_id"]
    missed = attempt(client, first, False)
    assert missed.status_code == 201 and missed.json()["checkin"]["status"] == "scheduled"
    assert client.get(f"/v1/followups/{first}").json()["attempts"] == 1
    assert plan(client)["plan_status"] == "open"
    assert event_types(engine)[2:] == ["continuum.followup.attempted.v1"]
    reached = attempt(client, first, True)
    [completed] = [e for e in outbox(engine) if e.type == "continuum.followup.completed.v1"]
    assert reached.json()["checkin"]["status"] == "completed"
    assert (completed.data.sequence, completed.data.reached, completed.data.attempts) == (1, True, 2)


def test_attempt_on_a_completed_checkin_conflicts_with_current_status(engine, clock, client):
    resolve(engine, clock)
    first = plan(client)["checkins"][0]["followup_id"]
    attempt(client, first, True)
    again = attempt(client, first, True)
    assert again.status_code == 409 and again.json()["detail"]["current_status"] == "completed"
    assert client.get(f"/v1/followups/{first}").json()["attempts"] == 1
    assert event_types(engine).count("continuum.followup.completed.v1") == 1


def test_second_resolution_of_the_same_episode_creates_no_second_plan(engine, clock, client):
    resolve(engine, clock)
    clock.advance(timedelta(hours=3))
    resolve(engine, clock)
    resolve(engine, clock, disposition=Disposition.DECLINED_SERVICES)
    assert event_types(engine) == ["continuum.followup.scheduled.v1"] * 2
    assert len(plan(client)["checkins"]) == 2 and plan(client)["plan_status"] == "open"


def test_unknown_followup_or_plan_is_not_found_and_bad_body_is_rejected(engine, clock, client):
    assert attempt(client, uuid4(), True).status_code == 404
    assert client.get(f"/v1/followups/{uuid4()}").status_code == 404
    assert client.get(f"/v1/episodes/{uuid4()}/followups").status_code == 404
    resolve(engine, clock)
    first = plan(client)["checkins"][0]["followup_id"]
    assert attempt(client, first, True, channel="carrier_pigeon").status_code == 422
    assert client.post(f"/v1/followups/{first}/attempts", json={}).status_code == 422


def test_only_the_assigned_peer_team_records_a_checkin(engine, clock, client):
    resolve(engine, clock)
    first = plan(client)["checkins"][0]
    url = f"/v1/followups/{first['followup_id']}/attempts"
    anonymous = client.post(url, json={"reached": True}, auth=None)
    other_team = client.post(url, json={"reached": True}, auth=register_partner(engine, "peer-team-north"))
    assert anonymous.status_code == 401
    assert other_team.status_code == 403 and other_team.json()["detail"]["assigned_to"] == first["assigned_peer"]
    assert plan(client)["checkins"][0]["attempts"] == 0
    assert [e.type for e in outbox(engine)].count("continuum.followup.attempted.v1") == 0
    assert attempt(client, first["followup_id"], True).status_code == 201
