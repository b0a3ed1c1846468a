"""A team app's retry never gives a second task: the same Idempotency-Key gets the first answer (200)."""

from continuum_dispatch.store import AuditEntry, Task
from continuum_kit.testing import at_once
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from .conftest import ADMIN

SAFETY_PLANNING = {"task": "safety_planning", "assignee_member_id": "mt1-peer", "assigned_by": "mt1-clinician"}


def effects(desk) -> tuple[int, int, int]:
    """Tasks, audit entries and outbox events: what giving a task changes."""
    with Session(desk.engine) as session:
        tasks = session.exec(select(func.count()).select_from(Task)).one()
        audit = session.exec(select(func.count()).select_from(AuditEntry)).one()
    return tasks, audit, len(desk.events())


def key_of(key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": key} if key is not None else {}


def give(desk, response_id: str, key: str | None, body: dict | None = None):
    return desk.task(response_id, body or SAFETY_PLANNING, headers=key_of(key))


def test_a_retried_task_returns_the_first_answer_and_gives_one_task(desk, client):
    response_id = desk.assigned()["response_id"]
    first = give(desk, response_id, "task-4f1c")
    assert first.status_code == 201, first.text
    after_first = effects(desk)
    again = give(desk, response_id, "task-4f1c")
    assert (again.status_code, again.json()) == (200, first.json())
    assert effects(desk) == after_first
    assert client.get(f"/v1/responses/{response_id}/tasks", headers=ADMIN).json() == [first.json()]
    fresh = give(desk, response_id, "task-9a2b")
    assert fresh.status_code == 201 and fresh.json()["task_id"] != first.json()["task_id"]


def test_without_a_key_each_task_is_its_own(desk, client):
    response_id = desk.assigned()["response_id"]
    assert [give(desk, response_id, None).status_code for _ in range(2)] == [201, 201]
    assert len(client.get(f"/v1/responses/{response_id}/tasks", headers=ADMIN).json()) == 2


def test_the_same_key_on_another_response_is_its_own_task(desk, client):
    first = desk.assigned()["response_id"]
    assert give(desk, first, "shared-key").status_code == 201
    desk.update(first, "resolved", disposition="resolved_in_place")  # mobile-team-1 is free again
    second = desk.assigned()["response_id"]
    answer = give(desk, second, "shared-key")
    assert answer.status_code == 201, answer.text
    assert answer.json()["response_id"] == second


def test_a_key_reused_for_a_different_task_is_refused_naming_the_header(desk, client):
    response_id = desk.assigned()["response_id"]
    assert give(desk, response_id, "reused-key").status_code == 201
    before = effects(desk)
    refused = give(desk, response_id, "reused-key", {**SAFETY_PLANNING, "task": "warm_handoff"})
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"] and "different request" in error["msg"]
    assert effects(desk) == before


def test_a_malformed_key_is_refused_naming_the_header_and_changes_nothing(desk, client):
    response_id = desk.assigned()["response_id"]
    before = effects(desk)
    for bad in ("has spaces", "x" * 129):
        refused = give(desk, response_id, bad)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert effects(desk) == before


def test_openapi_documents_the_retry_answer_and_the_key(client):
    operation = client.get("/openapi.json").json()["paths"]["/v1/responses/{response_id}/tasks"]["post"]
    assert {"200", "201", "422"} <= set(operation["responses"])
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}


def test_two_identical_tasks_at_the_same_moment_give_one_task(desk, client):
    """Run on SQLite and on PostgreSQL: two team apps post the same task with one key at once, 10 times."""
    clients = [client, TestClient(client.app)]
    response_id = desk.assigned()["response_id"]
    url, team = f"/v1/responses/{response_id}/tasks", desk.team_app(response_id)
    for round_ in range(10):
        key = f"race-{round_}"
        before = effects(desk)
        answers = at_once(
            *(lambda c=c, key=key: c.post(url, json=SAFETY_PLANNING, headers=key_of(key), auth=team) for c in clients)
        )
        assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        tasks, audit, events = effects(desk)
        assert (tasks, audit, events) == (before[0] + 1, before[1] + 1, before[2])
