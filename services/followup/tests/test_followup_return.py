"""A person who comes back, and the closure rule: no episode closes while a response of it is live.

Followup without a broker, on SQLite and PostgreSQL: events handed to the handlers, the timers run by
``run_sweeps`` on a manual clock, and what a peer sees through the API and the outbox.
"""

from datetime import timedelta
from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import (
    EpisodeReopenedV1,
    ResponseAssignedV1,
    ResponseCancelledV1,
    ResponseReplacedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import Disposition, ResponseType, Stage
from continuum_followup.config import FollowupSettings
from continuum_followup.timers import build_sweeps
from continuum_kit.testing import outbox, run_sweeps

from .conftest import deliver_to

EPISODE = uuid4()
CLOSED = "continuum.episode.closed.v1"
CANCELLED = "continuum.followup.cancelled.v1"
SCHEDULED = "continuum.followup.scheduled.v1"


@pytest.fixture
def settings():
    return FollowupSettings(checkin_hours=[24, 72], quiet_period_days=2, checkin_grace_hours=200)


deliver = partial(deliver_to, EPISODE)


def assigned(response_id, **extra):
    return ResponseAssignedV1(
        response_id=response_id,
        response_type=ResponseType.MOBILE_TEAM,
        responder_id="mobile-team-m3",
        with_peer=True,
        eta_minutes=20,
        **extra,
    )


def resolved(response_id, disposition=Disposition.RESOLVED_IN_PLACE):
    return ResponseResolvedV1(response_id=response_id, responder_id="mobile-team-m3", disposition=disposition)


def reopened():
    return EpisodeReopenedV1(contact_id=uuid4(), previous_stage=Stage.POST_CRISIS, stage=Stage.ACUTE)


def plan(client):
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def of_type(engine, event_type):
    return [e for e in outbox(engine) if e.type == event_type]


def attempt(client, followup_id, reached=True):
    return client.post(f"/v1/followups/{followup_id}/attempts", json={"reached": reached})


def in_follow_up(engine, clock, settings):
    """A response assigned then resolved: the first round of check-ins is scheduled."""
    first = uuid4()
    deliver(engine, clock, settings, assigned(first))
    deliver(engine, clock, settings, resolved(first))


def test_person_who_comes_back_gets_a_fresh_round_and_no_closure_while_the_new_response_is_live(
    engine, clock, client, settings
):
    in_follow_up(engine, clock, settings)
    old = [c["followup_id"] for c in plan(client)["checkins"]]
    clock.advance(timedelta(hours=30))
    assert attempt(client, old[0]).status_code == 201
    deliver(engine, clock, settings, reopened())
    second = uuid4()
    deliver(engine, clock, settings, assigned(second))
    cancelled = of_type(engine, CANCELLED)
    assert [(str(e.data.followup_id), e.data.sequence, e.data.reason) for e in cancelled] == [
        (old[1], 2, "episode_reopened")
    ]
    shown = plan(client)
    assert (shown["plan_status"], shown["round"], shown["live_responses"]) == ("suspended", 1, 1)
    assert [c["status"] for c in shown["checkins"]] == ["completed", "cancelled"]
    late = attempt(client, old[1])
    assert late.status_code == 409 and late.json()["detail"]["current_status"] == "cancelled"

    clock.advance(timedelta(days=10))  # long past the old round's last due check-in and its quiet period
    assert [e.type for e in run_sweeps(engine, clock, build_sweeps(settings))] == []
    assert plan(client)["plan_status"] == "suspended" and of_type(engine, CLOSED) == []

    deliver(engine, clock, settings, resolved(second))
    shown = plan(client)
    assert (shown["plan_status"], shown["round"], shown["live_responses"]) == ("open", 2, 0)
    assert [(c["sequence"], c["status"]) for c in shown["checkins"]] == [(3, "scheduled"), (4, "scheduled")]
    assert [(c["sequence"], c["round"], c["status"]) for c in shown["earlier_checkins"]] == [
        (1, 1, "completed"),
        (2, 1, "cancelled"),
    ]
    assert [e.data.due_at - clock.now() for e in of_type(engine, SCHEDULED)[2:]] == [
        timedelta(hours=24),
        timedelta(hours=72),
    ]
    for checkin in shown["checkins"]:
        assert attempt(client, checkin["followup_id"]).status_code == 201
    [closed] = of_type(engine, CLOSED)
    assert closed.data.reason == "plan_complete" and plan(client)["plan_status"] == "closed"


def test_a_new_response_on_an_open_plan_suspends_it_even_without_a_reopened_contact(engine, clock, client, settings):
    in_follow_up(engine, clock, settings)
    deliver(engine, clock, settings, assigned(uuid4()))
    assert plan(client)["plan_status"] == "suspended"
    assert [e.data.reason for e in of_type(engine, CANCELLED)] == ["episode_reopened"] * 2
    deliver(engine, clock, settings, reopened())  # the same return seen twice cancels nothing more
    assert len(of_type(engine, CANCELLED)) == 2


def test_quiet_period_while_a_response_is_live_waits_and_closes_when_it_ends(engine, clock, client, settings):
    backup, first = uuid4(), uuid4()
    deliver(engine, clock, settings, assigned(first))
    deliver(engine, clock, settings, assigned(backup, backs_up=first))
    deliver(engine, clock, settings, resolved(first))  # follow-up planned; the backup is still live
    clock.advance(timedelta(hours=72) + timedelta(days=2))
    assert run_sweeps(engine, clock, build_sweeps(settings)) == []
    shown = plan(client)
    assert (shown["plan_status"], shown["closure_waiting"], shown["live_responses"]) == (
        "open",
        "quiet_period_elapsed",
        1,
    )
    replacement = uuid4()
    deliver(
        engine,
        clock,
        settings,
        ResponseReplacedV1(
            response_id=backup, responder_id="mobile-team-m3", reason="team_offline", replaced_by=replacement
        ),
    )
    assert of_type(engine, CLOSED) == [] and plan(client)["live_responses"] == 1
    deliver(engine, clock, settings, ResponseCancelledV1(response_id=replacement, responder_id="mt-4", reason="x"))
    [closed] = of_type(engine, CLOSED)
    assert closed.data.reason == "quiet_period_elapsed"
    assert [(e.data.sequence, e.data.reason) for e in of_type(engine, CANCELLED)] == [
        (1, "episode_closed"),
        (2, "episode_closed"),
    ]
    assert [c["status"] for c in plan(client)["checkins"]] == ["cancelled", "cancelled"]


def test_checkins_finishing_while_a_response_is_live_wait_with_plan_complete(engine, clock, client, settings):
    first = uuid4()
    deliver(engine, clock, settings, assigned(first))
    deliver(engine, clock, settings, assigned(uuid4(), backs_up=first))
    deliver(engine, clock, settings, resolved(first))
    for checkin in plan(client)["checkins"]:
        attempt(client, checkin["followup_id"])
    assert of_type(engine, CLOSED) == [] and plan(client)["closure_waiting"] == "plan_complete"
    deliver(engine, clock, settings, resolved(first))  # a redelivered resolution of the ended one changes nothing
    assert of_type(engine, CLOSED) == []


def test_declining_while_a_response_is_live_closes_at_once(engine, clock, client, settings):
    in_follow_up(engine, clock, settings)
    deliver(engine, clock, settings, reopened())
    deliver(engine, clock, settings, assigned(uuid4()))
    declined = client.post(f"/v1/episodes/{EPISODE}/decline", json={})
    assert declined.status_code == 200 and declined.json()["plan_status"] == "closed"
    [closed] = of_type(engine, CLOSED)
    assert closed.data.reason == "declined_further_contact"
    assert client.post(f"/v1/episodes/{EPISODE}/decline", json={}).status_code == 200
    assert len(of_type(engine, CLOSED)) == 1


def test_closing_cancels_every_unfinished_person_checkin_with_an_event(engine, clock, client, settings):
    in_follow_up(engine, clock, settings)
    first, second = (c["followup_id"] for c in plan(client)["checkins"])
    for _ in range(3):
        attempt(client, first, reached=False)  # unreachable: not finished
    client.post(f"/v1/episodes/{EPISODE}/decline", json={})
    assert [(str(e.data.followup_id), e.data.reason) for e in of_type(engine, CANCELLED)] == [
        (first, "episode_closed"),
        (second, "episode_closed"),
    ]


def test_declining_or_adding_family_for_an_episode_followup_does_not_know_is_404_and_publishes_nothing(
    engine, clock, client
):
    unknown = uuid4()
    declined = client.post(f"/v1/episodes/{unknown}/decline", json={})
    family = client.post(f"/v1/episodes/{unknown}/family-contacts", json={"consented": True, "relationship": "parent"})
    assert (declined.status_code, family.status_code) == (404, 404)
    assert str(unknown) in declined.json()["detail"]
    assert outbox(engine) == [] and client.get(f"/v1/episodes/{unknown}/followups").status_code == 404


def test_renewed_risk_at_the_last_checkin_suspends_the_plan_instead_of_closing_it(engine, clock, client, settings):
    in_follow_up(engine, clock, settings)
    first, second = (c["followup_id"] for c in plan(client)["checkins"])
    attempt(client, first)
    risk = {"reached": True, "renewed_risk": True, "safety_flags": ["imminent_risk_with_means"]}
    assert client.post(f"/v1/followups/{second}/attempts", json=risk).json()["plan_status"] == "suspended"
    assert of_type(engine, CLOSED) == [] and len(of_type(engine, "continuum.followup.risk_found.v1")) == 1
    response = uuid4()
    deliver(engine, clock, settings, assigned(response))
    deliver(engine, clock, settings, resolved(response))
    assert plan(client)["round"] == 2 and len(of_type(engine, SCHEDULED)) == 4
