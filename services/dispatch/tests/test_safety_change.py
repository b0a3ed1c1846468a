"""A team reports a change of safety from its app: a backup backs its response up, the peer steps back,
a deflection that no longer holds is corrected; refusals change nothing."""

import pytest
from continuum_contracts.vocabulary import Channel
from continuum_kit.testing import at_once
from fastapi.testclient import TestClient

WEAPON = {"change": "weapon", "reason": "knife_seen"}


def welfare_check_on_scene(desk, **triage) -> str:
    """A 911 welfare check deflected from police, its team (mobile-team-1, with a peer) on scene."""
    assigned = desk.assigned(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK", **triage)
    for status in ("acknowledged", "en_route", "on_scene"):
        assert desk.update(assigned["response_id"], status).status_code == 200
    return assigned["response_id"]


def report(client, response_id, auth, body=WEAPON):
    return client.post(f"/v1/responses/{response_id}/safety", json=body, auth=auth)


def emitted_since(desk, before: int) -> list:
    return desk.events()[before:]


def test_weapon_on_scene_brings_co_response_backup_the_peer_steps_back_and_the_deflection_is_corrected(
    desk, client, register, admin
):
    response_id = welfare_check_on_scene(desk)
    assert client.get("/v1/reports/deflections", headers=admin).json()["deflected"] == 1
    before = len(desk.events())
    answer = report(client, response_id, register("mobile-team-1"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["change"], body["reason"], body["backup_type"]) == ("weapon", "knife_seen", "co_response")
    assert body["peer_stepped_back"] is True and body["deflection_corrected"] is True

    events = emitted_since(desk, before)
    assert desk.kinds(events) == ["response.safety_changed", "response.assigned", "lawenforcement.deflection_corrected"]
    changed, backup, corrected = (e.data for e in events)
    assert (changed.change, changed.backup, changed.peer_stepped_back) == ("weapon", "co_response", True)
    assert str(backup.backs_up) == response_id and backup.reason == "safety_change_weapon"
    assert backup.responder_id == "co-responder-1" and str(backup.response_id) == body["backup_response_id"]
    assert str(corrected.response_id) == response_id and corrected.reason == "safety_change_weapon"
    assert corrected.call_type == "WELFARE_CHECK"
    assert {e.subject for e in events} == {desk.events()[0].subject}

    assert desk.response(response_id)["status"] == "on_scene", "the team's own response stays live"
    assert desk.response(body["backup_response_id"])["backs_up"] == response_id
    report_now = client.get("/v1/reports/deflections", headers=admin).json()
    assert (report_now["eligible"], report_now["deflected"]) == (1, 0)


def test_violence_brings_police_and_a_medical_emergency_brings_ems_without_touching_the_deflection(
    desk, client, register, admin
):
    response_id = welfare_check_on_scene(desk)
    team = register("mobile-team-1")
    medical = report(client, response_id, team, {"change": "medical_emergency", "reason": "not_breathing"})
    assert medical.status_code == 201 and medical.json()["backup_type"] == "ems"
    assert medical.json()["deflection_corrected"] is False
    assert desk.response(medical.json()["backup_response_id"])["responder_id"] == "ems-dispatch"
    assert client.get("/v1/reports/deflections", headers=admin).json()["deflected"] == 1

    violence = report(client, response_id, team, {"change": "violence_in_progress", "reason": "fight"})
    assert violence.status_code == 201 and violence.json()["backup_type"] == "police"
    assert desk.response(violence.json()["backup_response_id"])["responder_id"] == "police-dispatch"
    assert client.get("/v1/reports/deflections", headers=admin).json()["deflected"] == 0


def test_a_weapon_when_the_co_responders_are_offline_brings_police(desk, client, register):
    response_id = welfare_check_on_scene(desk)
    desk.set_status("co-responder-1", "offline")
    answer = report(client, response_id, register("mobile-team-1"))
    assert answer.status_code == 201 and answer.json()["backup_type"] == "police"


def test_the_same_change_reported_again_is_answered_the_same_and_sends_nothing(desk, client, register):
    response_id = welfare_check_on_scene(desk)
    team = register("mobile-team-1")
    first = report(client, response_id, team)
    before = len(desk.events())
    again = report(client, response_id, team, {"change": "weapon", "reason": "knife_seen"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert desk.events()[before:] == []


def test_a_team_without_a_peer_has_no_peer_to_step_back(desk, client, register):
    assigned = desk.assigned(at=desk.near("mobile-team-3"))
    assert assigned["responder_id"] == "mobile-team-3" and assigned["with_peer"] is False
    desk.update(assigned["response_id"], "en_route")
    answer = report(client, assigned["response_id"], register("mobile-team-3"))
    assert answer.status_code == 201 and answer.json()["peer_stepped_back"] is False
    assert desk.events()[-2].data.peer_stepped_back is False


def test_no_backup_able_to_go_is_escalated_naming_the_team_on_scene(desk, client, register):
    response_id = welfare_check_on_scene(desk)
    desk.set_status("co-responder-1", "offline")
    desk.set_status("police-dispatch", "offline")
    before = len(desk.events())
    answer = report(client, response_id, register("mobile-team-1"))
    assert answer.status_code == 201 and answer.json()["backup_response_id"] is None
    events = emitted_since(desk, before)
    assert desk.kinds(events) == [
        "response.safety_changed",
        "response.escalated",
        "lawenforcement.deflection_corrected",
    ]
    escalated = events[1].data
    assert (escalated.reason, escalated.response_type, str(escalated.response_id)) == (
        "no_responder_available",
        "police",
        response_id,
    )


def test_after_stepping_back_a_peer_is_refused_coercive_work_on_that_response_and_it_is_audited(
    desk, client, register, admin
):
    response_id = welfare_check_on_scene(desk)
    task = {"task": "scene_control", "assignee_member_id": "mt1-peer", "assigned_by": "mt1-clinician"}
    assert desk.task(response_id, task).status_code == 201
    report(client, response_id, register("mobile-team-1"))
    refused = desk.task(response_id, {**task, "task": "separate_parties"})
    assert refused.status_code == 422 and "stepped back" in refused.json()["detail"]
    outside = desk.task(response_id, {**task, "task": "involuntary_hold"})
    assert outside.status_code == 422
    in_role = desk.task(response_id, {**task, "task": "safety_planning"})
    to_clinician = {**task, "task": "scene_control", "assignee_member_id": "mt1-clinician"}
    clinician = desk.task(response_id, to_clinician)
    assert (in_role.status_code, clinician.status_code) == (201, 201)
    outcomes = [(a["action"], a["outcome"]) for a in client.get("/v1/audit", headers=admin).json()]
    assert ("assign_task:separate_parties", "refused:peer_stepped_back") in outcomes
    assert ("assign_task:involuntary_hold", "refused:outside_peer_role") in outcomes


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no credentials", 401),
        ("wrong secret", 401),
        ("another team", 403),
        ("unknown response", 404),
        ("unknown change", 422),
        ("free-text reason", 422),
        ("extra field", 422),
    ],
)
def test_a_refused_report_changes_nothing(desk, client, register, admin, case, code):
    response_id = welfare_check_on_scene(desk)
    team, other = register("mobile-team-1"), register("mobile-team-2")
    requests = {
        "no credentials": (response_id, None, WEAPON),
        "wrong secret": (response_id, ("mobile-team-1", "not-the-secret-0123456789"), WEAPON),
        "another team": (response_id, other, WEAPON),
        "unknown response": ("00000000-0000-0000-0000-000000000000", team, WEAPON),
        "unknown change": (response_id, team, {"change": "bad_vibes", "reason": "x"}),
        "free-text reason": (response_id, team, {"change": "weapon", "reason": "he has a knife"}),
        "extra field": (response_id, team, {**WEAPON, "note": "a knife"}),
    }
    before = (len(desk.events()), desk.response(response_id), client.get("/v1/audit", headers=admin).json())
    target, auth, body = requests[case]
    answer = report(client, target, auth, body)
    assert answer.status_code == code, answer.text
    if code == 403:
        assert answer.json()["detail"]["assigned_to"] == "mobile-team-1"
    if code == 422:
        field = {"unknown change": "change", "free-text reason": "reason", "extra field": "note"}[case]
        assert answer.json()["detail"][0]["loc"] == ["body", field]
    after = (len(desk.events()), desk.response(response_id), client.get("/v1/audit", headers=admin).json())
    assert after == before
    assert client.get("/v1/reports/deflections", headers=admin).json()["deflected"] == 1


@pytest.mark.parametrize("status", ["assigned", "acknowledged", "resolved"])
def test_a_report_before_the_team_is_on_its_way_or_after_the_response_ended_is_409(desk, client, register, status):
    assigned = desk.assigned(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK")
    response_id = assigned["response_id"]
    if status == "acknowledged":
        desk.update(response_id, "acknowledged")
    if status == "resolved":
        desk.update(response_id, "resolved", disposition="resolved_in_place")
    before = len(desk.events())
    answer = report(client, response_id, register("mobile-team-1"))
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == status
    assert len(desk.events()) == before


def test_the_same_change_reported_twice_at_once_sends_one_backup(desk, client, register):
    """On SQLite and PostgreSQL: the team's app and its retry race; the response's row lock settles it."""
    team = register("mobile-team-1")
    clients = [client, TestClient(client.app)]
    for _ in range(3):
        response_id = welfare_check_on_scene(desk)
        before = len(desk.events())
        answers = at_once(*(lambda c=c, r=response_id: report(c, r, team) for c in clients))
        assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        assert desk.kinds(desk.events()[before:]).count("response.assigned") == 1
        desk.update(response_id, "resolved", disposition="resolved_in_place")


def test_openapi_declares_every_answer_of_the_routes_on_scene(client):
    paths = client.get("/openapi.json").json()["paths"]
    safety = paths["/v1/responses/{response_id}/safety"]["post"]
    asked = paths["/v1/episodes/{episode_id}/response-requests"]["post"]
    assert {"200", "201", "401", "403", "404", "409", "422"} <= set(safety["responses"])
    assert {"200", "201", "401", "403", "404", "422"} <= set(asked["responses"])
    assert safety["security"] == asked["security"] == [{"partner": []}]
