"""Police on scene ask for a mobile team or a peer: one is sent to the incident dispatch already knows."""

from uuid import uuid4

import pytest
from continuum_contracts.vocabulary import ResponseType, SafetyFlag
from continuum_kit.testing import at_once

from .conftest import ADMIN

ASK = {"response_type": "mobile_team", "reason": "person_in_crisis_on_scene"}


def police_on_scene(desk) -> dict:
    """A 911 call with violence in progress: police were sent, near mobile-team-2's base."""
    return desk.assigned(
        response=ResponseType.POLICE,
        police_required=True,
        safety_flags=[SafetyFlag.VIOLENCE_IN_PROGRESS],
        area="central",
        at=desk.near("mobile-team-2"),
    )


def ask(client, episode_id, auth, body=ASK):
    return client.post(f"/v1/episodes/{episode_id}/response-requests", json=body, auth=auth)


def test_police_on_scene_ask_for_a_mobile_team_and_the_nearest_is_sent_where_they_are(desk, client, register):
    police = police_on_scene(desk)
    episode_id = desk.events()[0].subject
    answer = ask(client, episode_id, register("police-dispatch"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["response_type"], body["responder_id"], body["requested_by"]) == (
        "mobile_team",
        "mobile-team-2",
        "police-dispatch",
    )
    assigned = desk.events()[-1]
    assert assigned.type == "continuum.response.assigned.v1" and assigned.subject == episode_id
    assert assigned.data.requested_by == "police-dispatch" and assigned.data.reason == ASK["reason"]
    team = desk.response(body["response_id"])
    assert (team["area"], team["requested_by"]) == ("central", "police-dispatch")
    assert desk.response(police["response_id"])["status"] == "assigned", "the police response stays live"


def test_police_may_ask_for_a_peer(desk, client, register):
    police_on_scene(desk)
    peer = {**ASK, "response_type": "peer_support"}
    answer = ask(client, desk.events()[0].subject, register("police-dispatch"), peer)
    assert answer.status_code == 201 and answer.json()["responder_id"].startswith("warmline-peer")


def test_asking_again_while_the_team_is_under_way_sends_no_second_team(desk, client, register):
    police_on_scene(desk)
    episode_id, auth = desk.events()[0].subject, register("police-dispatch")
    first = ask(client, episode_id, auth)
    before = len(desk.events())
    again = ask(client, episode_id, auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["response_id"] == first.json()["response_id"] and again.json()["already_live"] is True
    assert len(desk.events()) == before


def test_no_team_able_to_go_is_escalated(desk, client, register):
    police_on_scene(desk)
    for team in ("mobile-team-1", "mobile-team-2", "mobile-team-3"):
        desk.set_status(team, "offline")
    answer = ask(client, desk.events()[0].subject, register("police-dispatch"))
    assert answer.status_code == 201 and answer.json()["response_id"] is None
    escalated = desk.events()[-1]
    assert escalated.type == "continuum.response.escalated.v1"
    assert (escalated.data.reason, escalated.data.response_type) == ("no_responder_available", "mobile_team")


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no credentials", 401),
        ("a mobile team's account", 403),
        ("a partner not on the roster", 403),
        ("an episode dispatch does not know", 404),
        ("police asking for police", 422),
        ("free-text reason", 422),
    ],
)
def test_a_refused_request_changes_nothing(desk, client, register, case, code):
    police_on_scene(desk)
    episode_id = desk.events()[0].subject
    police = register("police-dispatch")
    requests = {
        "no credentials": (episode_id, None, ASK),
        "a mobile team's account": (episode_id, register("mobile-team-1"), ASK),
        "a partner not on the roster": (episode_id, register("sheriff-unit-9"), ASK),
        "an episode dispatch does not know": (str(uuid4()), police, ASK),
        "police asking for police": (episode_id, police, {**ASK, "response_type": "police"}),
        "free-text reason": (episode_id, police, {**ASK, "reason": "he is shouting"}),
    }
    before = len(desk.events())
    target, auth, body = requests[case]
    answer = ask(client, target, auth, body)
    assert answer.status_code == code, answer.text
    assert len(desk.events()) == before
    assert len(client.get(f"/v1/episodes/{episode_id}/responses", headers=ADMIN).json()) == 1


def test_two_requests_for_a_team_at_the_same_moment_send_one_team(desk, client, register):
    """The officer's app retries while the first request is still being answered: one team goes, and both
    answers name it."""
    police_on_scene(desk)
    episode_id, auth = desk.events()[0].subject, register("police-dispatch")
    for _ in range(10):
        before = len(desk.events())
        answers = at_once(lambda: ask(client, episode_id, auth), lambda: ask(client, episode_id, auth))
        assert sorted(a.status_code for a in answers) == [200, 201]
        assert answers[0].json()["response_id"] == answers[1].json()["response_id"]
        sent = [e for e in desk.events()[before:] if e.type == "continuum.response.assigned.v1"]
        assert len(sent) == 1
        desk.update(answers[0].json()["response_id"], "resolved", disposition="resolved_in_place")
