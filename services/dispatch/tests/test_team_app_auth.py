"""Only the assigned team's app may move a response on or give its members tasks: 401 without credentials (or
with wrong ones, or with county IT's admin token), 403 for another team; a refusal changes nothing."""

from uuid import UUID

import pytest
from continuum_dispatch.store import AuditEntry, Response, Task
from sqlmodel import Session, func, select

from .conftest import ADMIN

EN_ROUTE = {"status": "en_route"}
SAFETY_PLANNING = {"task": "safety_planning", "assignee_member_id": "mt1-peer", "assigned_by": "mt1-clinician"}
ROUTES = {"updates": EN_ROUTE, "tasks": SAFETY_PLANNING}


def state(desk, response_id: str) -> tuple:
    """What a post could change: the response's status, its tasks and audit, the outbox."""
    with Session(desk.engine) as session:
        status = session.get(Response, UUID(response_id)).status
        tasks = session.exec(select(func.count()).select_from(Task)).one()
        audit = session.exec(select(func.count()).select_from(AuditEntry)).one()
    return status, tasks, audit, len(desk.events())


def post(client, response_id: str, route: str, **kw):
    return client.post(f"/v1/responses/{response_id}/{route}", json=ROUTES[route], **kw)


@pytest.fixture
def assigned(desk) -> str:
    response_id = desk.assigned(at=desk.near("mobile-team-1"))["response_id"]
    assert desk.response(response_id)["responder_id"] == "mobile-team-1"
    return response_id


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_without_credentials_it_is_401_with_the_challenge_and_nothing_changes(desk, client, assigned, route):
    before = state(desk, assigned)
    answer = post(client, assigned, route)
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="continuum-dispatch"'
    assert state(desk, assigned) == before


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_wrong_secret_or_the_admin_token_is_401_and_nothing_changes(desk, client, register, assigned, route):
    team, _ = register("mobile-team-1")
    before = state(desk, assigned)
    assert post(client, assigned, route, auth=(team, "not-the-secret-0123456789")).status_code == 401
    assert post(client, assigned, route, headers=ADMIN).status_code == 401  # county IT is not on the team
    assert post(client, assigned, route, auth=("mobile-team-9", "whatever-0123456789abc")).status_code == 401
    assert state(desk, assigned) == before


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_another_team_is_403_naming_the_team_assigned_and_nothing_changes(desk, client, register, assigned, route):
    before = state(desk, assigned)
    answer = post(client, assigned, route, auth=register("mobile-team-2"))
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"]["assigned_to"] == "mobile-team-1"
    assert state(desk, assigned) == before


def test_the_assigned_team_moves_its_response_on(desk, client, register, assigned):
    answer = post(client, assigned, "updates", auth=register("mobile-team-1"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "en_route" and desk.response(assigned)["status"] == "en_route"
    assert desk.kinds(desk.events())[-1] == "response.updated"


def test_the_assigned_team_gives_a_task_recorded_as_the_team_and_its_member(desk, client, register, admin, assigned):
    answer = post(client, assigned, "tasks", auth=register("mobile-team-1"), headers={"Idempotency-Key": "t-1"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["assigned_by"] == "mobile-team-1/mt1-clinician"
    [entry] = client.get("/v1/audit", headers=admin).json()
    assert (entry["actor"], entry["outcome"]) == ("mobile-team-1/mt1-clinician", "assigned")


def test_a_task_key_belongs_to_the_team_that_used_it(desk, client, register, assigned):
    """The Idempotency-Key is the signed-in team's: another team replaying it is still refused, not answered."""
    key = {"Idempotency-Key": "t-shared"}
    assert post(client, assigned, "tasks", auth=register("mobile-team-1"), headers=key).status_code == 201
    assert post(client, assigned, "tasks", auth=register("mobile-team-2"), headers=key).status_code == 403


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_an_unknown_response_is_404_only_after_sign_in(client, register, route):
    unknown = "00000000-0000-0000-0000-000000000000"
    assert post(client, unknown, route).status_code == 401
    assert post(client, unknown, route, auth=register("mobile-team-1")).status_code == 404


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_openapi_declares_every_answer_and_the_team_sign_in(client, route):
    operation = client.get("/openapi.json").json()["paths"][f"/v1/responses/{{response_id}}/{route}"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(operation["responses"])
    assert {"partner": []} in operation["security"]
