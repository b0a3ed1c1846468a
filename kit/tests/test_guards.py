"""A route's guard is declared where the check is made, shows in its OpenAPI with the answers it can give,
and the door test finds a route that has none, or whose guard lets the wrong caller in."""

from typing import Annotated

import pytest
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.doors import Door, basic, bearer, check_every_door
from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import AdminOnly, CallerDep, PartnerAccount, PartnerDep, partner_admin_router
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import api_client, register_partner
from fastapi import APIRouter, Depends, HTTPException
from pydantic import SecretStr
from sqlmodel import SQLModel

TOKEN = "guards-admin-token-0123456789"
NOTES = {"n1": "team-a"}  # note id -> the partner that wrote it


@guard(PARTNER, scope="the partner that wrote the note", resource="note_id")
def note_writer(note_id: str, partner_id: PartnerDep) -> str:
    if note_id not in NOTES:
        raise HTTPException(404, detail=f"note {note_id} not found")
    if NOTES[note_id] != partner_id:
        raise HTTPException(403, detail=f"note {note_id} was written by another partner")
    return partner_id


@guard(PARTNER, ADMIN, scope="county IT, or the partner that wrote the note", resource="note_id")
def note_reader(note_id: str, caller: CallerDep) -> str:
    if note_id not in NOTES:
        raise HTTPException(404, detail=f"note {note_id} not found")
    if not caller.county_it and NOTES[note_id] != caller.partner_id:
        raise HTTPException(403, detail=f"note {note_id} was written by another partner")
    return caller.partner_id or "county IT"


def _router(*, leaky: bool = False, unguarded: bool = False) -> APIRouter:
    router = APIRouter()

    @router.get("/v1/notes/{note_id}")
    def read_note(note_id: str, writer: Annotated[str, Depends(note_writer)]) -> dict:
        return {"note_id": note_id, "writer": writer}

    @router.get("/v1/notes/{note_id}/history")
    def history(note_id: str, reader: Annotated[str, Depends(note_reader)]) -> dict:
        return {"note_id": note_id, "reader": reader}

    @router.get("/v1/directory")
    def directory(partner_id: PartnerDep) -> list[str]:
        return sorted(set(NOTES.values()))

    @router.get("/v1/audit", dependencies=[AdminOnly])
    def audit() -> list[str]:
        return []

    if leaky:  # a scoped guard that forgets to check the scope

        @guard(PARTNER, scope="the partner that wrote the note", resource="note_id")
        def anyone(note_id: str, partner_id: PartnerDep) -> str:
            return partner_id

        @router.post("/v1/notes/{note_id}/edits")
        def edit(note_id: str, writer: Annotated[str, Depends(anyone)]) -> dict:
            return {}

    if unguarded:

        @router.get("/v1/open")
        def wide_open() -> dict:
            return {}

    router.include_router(partner_admin_router())
    return router


@pytest.fixture
def client_for(tmp_path):
    def make(**flaws: bool):
        engine = make_engine(f"sqlite:///{tmp_path / 'guards.db'}")
        SQLModel.metadata.create_all(engine, tables=[PartnerAccount.__table__])
        settings = ServiceSettings(service_name="guards", data_dir=tmp_path, admin_token=SecretStr(TOKEN))
        client = api_client(_router(**flaws), engine, ManualClock(), settings)
        return client, basic(*register_partner(engine, "team-a")), basic(*register_partner(engine, "team-b"))

    return make


def _doors(team_a: dict, team_b: dict) -> dict:
    admin = bearer(TOKEN)
    return {
        ("GET", "/v1/notes/{note_id}"): Door(team_a, team_b, path={"note_id": "n1"}),
        ("GET", "/v1/notes/{note_id}/history"): Door(admin, team_b, path={"note_id": "n1"}),
        ("GET", "/v1/directory"): Door(team_b),
        ("GET", "/v1/audit"): Door(admin, team_a),
        ("GET", "/v1/admin/partners"): Door(admin, team_a),
        ("POST", "/v1/admin/partners"): Door(
            admin, team_a, body={"partner_id": "team-c", "secret": "team-c-secret-0123456789"}, accepted=201
        ),
    }


def test_each_guard_is_in_the_openapi_with_the_answers_it_can_give(client_for):
    client, _, _ = client_for()
    paths = client.app.openapi()["paths"]
    scoped = paths["/v1/notes/{note_id}"]["get"]
    assert scoped["x-continuum-guard"] == {
        "callers": ["partner"],
        "scope": "the partner that wrote the note",
        "resource": "note_id",
    }
    assert {"401", "403", "404"} <= set(scoped["responses"])
    assert "content" in scoped["responses"]["403"] and "content" in scoped["responses"]["404"]
    directory = paths["/v1/directory"]["get"]
    assert directory["x-continuum-guard"]["scope"] is None and "403" not in directory["responses"]
    assert paths["/v1/audit"]["get"]["x-continuum-guard"]["callers"] == ["admin"]
    assert "403" in paths["/v1/audit"]["get"]["responses"]


def test_every_door_holds(client_for):
    client, team_a, team_b = client_for()
    assert check_every_door(client, _doors(team_a, team_b)) == []


def test_a_route_for_county_it_or_a_partner_reads_each_by_its_own_credential(client_for):
    client, team_a, team_b = client_for()
    url = "/v1/notes/n1/history"
    assert client.get(url, headers=team_a).json()["reader"] == "team-a"
    assert client.get(url, headers=bearer(TOKEN)).json()["reader"] == "county IT"
    assert client.get(url, headers=team_b).status_code == 403
    assert client.get("/v1/notes/n2/history", headers=team_b).status_code == 404
    refused = client.get(url, headers=bearer("not-the-token-0123456789"))
    assert refused.status_code == 401 and "Bearer" in refused.headers["WWW-Authenticate"]
    assert "Basic" in client.get(url).headers["WWW-Authenticate"]


def test_a_partner_on_a_county_it_route_is_refused_by_name_not_asked_to_sign_in(client_for):
    client, team_a, _ = client_for()
    answer = client.get("/v1/audit", headers=team_a)
    assert answer.status_code == 403 and "county IT only" in answer.json()["detail"]
    wrong = basic("team-a", "not-the-secret-of-team-a-000")
    assert client.get("/v1/audit", headers=wrong).status_code == 401


def test_the_door_test_finds_a_route_without_a_guard_and_a_guard_that_lets_an_outsider_in(client_for):
    client, team_a, team_b = client_for(leaky=True, unguarded=True)
    doors = _doors(team_a, team_b) | {
        ("POST", "/v1/notes/{note_id}/edits"): Door(team_a, team_b, path={"note_id": "n1"})
    }
    problems = check_every_door(client, doors)
    assert problems == [
        "POST /v1/notes/{note_id}/edits: the outsider got 200, not 403",
        "GET /v1/open: no declared guard",
    ]
