"""The peer-role guard: peers are never given clinical or coercive tasks, and an attempt is audited."""

import pytest
from continuum_dispatch.domain import OUTSIDE_PEER_ROLE, task_allowed

from .conftest import ADMIN


def give(desk, response_id: str, task: str, member: str, by: str | None = "mt1-clinician"):
    body = {"task": task, "assignee_member_id": member} | ({"assigned_by": by} if by else {})
    return desk.task(response_id, body)


def test_peer_cannot_be_assigned_involuntary_hold_and_attempt_is_audited(desk, client, admin):
    response_id = desk.assigned()["response_id"]  # mobile-team-1: mt1-peer and mt1-clinician
    answer = give(desk, response_id, "involuntary_hold", "mt1-peer")
    assert answer.status_code == 422
    assert answer.json()["detail"] == "a peer cannot be assigned involuntary_hold: outside the peer role"
    assert client.get(f"/v1/responses/{response_id}/tasks", headers=ADMIN).json() == []
    [entry] = client.get("/v1/audit", headers=admin).json()
    assert entry["actor"] == "mobile-team-1/mt1-clinician" and entry["action"] == "assign_task:involuntary_hold"
    assert entry["outcome"] == "refused:outside_peer_role" and entry["response_id"] == response_id


@pytest.mark.parametrize("task", sorted(OUTSIDE_PEER_ROLE))
def test_no_clinical_or_coercive_task_is_a_peers(desk, client, task):
    response_id = desk.assigned()["response_id"]
    assert give(desk, response_id, task, "mt1-peer").status_code == 422


def test_peer_task_within_the_role_is_recorded(desk, client, admin):
    response_id = desk.assigned()["response_id"]
    answer = give(desk, response_id, "safety_planning", "mt1-peer")
    assert answer.status_code == 201
    task = answer.json()
    assert (task["task"], task["assignee_member_id"], task["assigned_by"]) == (
        "safety_planning",
        "mt1-peer",
        "mobile-team-1/mt1-clinician",
    )
    assert client.get(f"/v1/responses/{response_id}/tasks", headers=ADMIN).json() == [task]
    assert client.get("/v1/audit", headers=admin).json()[0]["outcome"] == "assigned"


def test_clinician_may_be_given_a_clinical_task(desk, client):
    response_id = desk.assigned()["response_id"]
    assert give(desk, response_id, "clinical_assessment", "mt1-clinician", by=None).status_code == 201


def test_task_for_someone_not_on_the_team_is_422_naming_the_assignee(desk, client):
    response_id = desk.assigned()["response_id"]
    answer = give(desk, response_id, "safety_planning", "mt2-peer")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "assignee_member_id"] and "mt2-peer" in answer.text


def test_task_on_unknown_or_finished_response_is_refused(desk, client, register):
    unknown = "/v1/responses/00000000-0000-0000-0000-000000000000/tasks"
    body = {"task": "safety_planning", "assignee_member_id": "mt1-peer"}
    assert client.post(unknown, json=body, auth=register("mobile-team-1")).status_code == 404
    response_id = desk.assigned()["response_id"]
    desk.update(response_id, "resolved", disposition="resolved_in_place")
    answer = give(desk, response_id, "safety_planning", "mt1-peer")
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "resolved"


def test_audit_needs_the_admin_token(client):
    assert client.get("/v1/audit").status_code == 401


def test_role_guard_rule():
    assert not task_allowed("peer", "medication") and task_allowed("clinician", "medication")
    assert task_allowed("peer", "warm_handoff")
