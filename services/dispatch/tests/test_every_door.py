"""Every route of dispatch, from its OpenAPI: no credential is 401, a signed-in caller outside the route's
scope 403, the right caller is answered. Reads of a response are scoped like the team app's writes:
county IT reads every response, a partner those it is party to; a refusal changes nothing."""

from uuid import uuid4

import pytest
from continuum_contracts.vocabulary import Channel, ResponseType, SafetyFlag
from continuum_dispatch import api
from continuum_kit.doors import Door, basic, check_every_door
from continuum_kit.partners import partner_admin_router
from continuum_kit.testing import api_client
from fastapi import APIRouter

from .conftest import ADMIN

WEAPON = {"change": "weapon", "reason": "knife_seen"}


@pytest.fixture
def every_route(engine, clock, settings):
    """Dispatch's routes and county IT's partner registry, as the service serves them."""
    router = APIRouter()
    router.include_router(api.router)
    router.include_router(partner_admin_router())
    return api_client(router, engine, clock, settings)


def on_scene(desk, team: str = "mobile-team-1", **triage) -> str:
    """A 911 welfare check near ``team``'s base, the team on scene; its response id."""
    assigned = desk.assigned(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK", at=desk.near(team), **triage)
    for status in ("acknowledged", "en_route", "on_scene"):
        assert desk.update(assigned["response_id"], status).status_code == 200
    return assigned["response_id"]


def held_bed(desk, team: str) -> str:
    """A team takes the person to stabilization: the reservation of the bed held for them."""
    assigned = desk.assigned(at=desk.near(team))
    answer = desk.update(assigned["response_id"], "resolved", disposition="transported_to_stabilization")
    assert answer.status_code == 200, answer.text
    return answer.json()["reservation"]["reservation_id"]


def police_on_scene(desk) -> str:
    """Police sent to violence in progress near mobile-team-2; the episode id."""
    police = desk.assigned(
        response=ResponseType.POLICE,
        police_required=True,
        safety_flags=[SafetyFlag.VIOLENCE_IN_PROGRESS],
        area="central",
        at=desk.near("mobile-team-2"),
    )
    return desk.response(police["response_id"])["episode_id"]


def test_every_door_holds(desk, every_route, register, admin):
    team, other, police = basic(*register("mobile-team-1")), basic(*register("mobile-team-2")), "police-dispatch"
    directory_reader = basic(*register("board"))
    assigned = desk.assigned(at=desk.near("mobile-team-1"))
    response_id, episode_id = assigned["response_id"], desk.response(assigned["response_id"])["episode_id"]
    scene = on_scene(desk, "mobile-team-3")
    scene_team = basic(*desk.team_app(scene))
    police_episode = police_on_scene(desk)
    admitted, held = held_bed(desk, "mobile-team-2"), held_bed(desk, "mobile-team-2")
    admission = {"reservation_id": admitted}
    answer = every_route.post("/v1/places/stabilization-unit-1/admissions", json=admission, headers=admin)
    assert answer.status_code == 201, answer.text
    door_team = {"responder_id": "door-team", "kind": "mobile_team"}
    created = every_route.post("/v1/responders", json=door_team, headers=admin)
    assert created.status_code == 201, created.text
    task = {"task": "safety_planning", "assignee_member_id": "mt1-peer", "assigned_by": "mt1-clinician"}
    on_response = {"response_id": response_id}
    doors = {
        ("GET", "/v1/responses/{response_id}"): Door(team, other, path=on_response),
        ("GET", "/v1/episodes/{episode_id}/responses"): Door(team, other, path={"episode_id": episode_id}),
        ("POST", "/v1/responses/{response_id}/updates"): Door(
            team, other, path=on_response, body={"status": "acknowledged"}
        ),
        ("POST", "/v1/responses/{response_id}/tasks"): Door(team, other, path=on_response, body=task, accepted=201),
        ("GET", "/v1/responses/{response_id}/tasks"): Door(admin, other, path=on_response),
        ("POST", "/v1/responses/{response_id}/safety"): Door(
            scene_team, team, path={"response_id": scene}, body=WEAPON, accepted=201
        ),
        ("POST", "/v1/episodes/{episode_id}/response-requests"): Door(
            basic(*register(police)),
            other,
            path={"episode_id": police_episode},
            body={"response_type": "mobile_team", "reason": "person_in_crisis_on_scene"},
            accepted=201,
        ),
        ("GET", "/v1/responders"): Door(directory_reader),
        ("GET", "/v1/responders/{responder_id}"): Door(directory_reader, path={"responder_id": "mobile-team-1"}),
        ("POST", "/v1/responders"): Door(
            admin, team, body={"responder_id": "door-team-2", "kind": "warmline_peer"}, accepted=201
        ),
        ("PUT", "/v1/responders/{responder_id}"): Door(
            admin, team, path={"responder_id": "door-team"}, body={"kind": "mobile_team", "coverage_areas": ["central"]}
        ),
        ("PATCH", "/v1/responders/{responder_id}/status"): Door(
            admin, team, path={"responder_id": "door-team"}, body={"status": "available"}
        ),
        ("GET", "/v1/places"): Door(directory_reader),
        ("GET", "/v1/places/{place_id}"): Door(admin, path={"place_id": "stabilization-unit-1"}),
        ("PUT", "/v1/places/{place_id}"): Door(
            admin, team, path={"place_id": "detox-9"}, body={"place_type": "detox", "capacity": 4}, accepted=201
        ),
        ("POST", "/v1/places/{place_id}/admissions"): Door(
            admin, team, path={"place_id": "stabilization-unit-1"}, body={"reservation_id": held}, accepted=201
        ),
        ("POST", "/v1/places/{place_id}/discharges"): Door(
            admin, team, path={"place_id": "stabilization-unit-1"}, body={"reservation_id": admitted}, accepted=201
        ),
        ("GET", "/v1/reports/deflections"): Door(admin, team),
        ("GET", "/v1/audit"): Door(admin, team),
        ("GET", "/v1/admin/partners"): Door(admin, team),
        ("POST", "/v1/admin/partners"): Door(
            admin, team, body={"partner_id": "door-partner", "secret": "door-partner-secret-0123456789"}, accepted=201
        ),
    }
    assert check_every_door(every_route, doors) == []


def test_a_response_is_read_by_its_team_and_county_it_and_another_team_is_refused(desk, client, register):
    response_id = desk.assigned(at=desk.near("mobile-team-1"))["response_id"]
    url = f"/v1/responses/{response_id}"
    mine = client.get(url, auth=register("mobile-team-1"))
    assert mine.status_code == 200 and mine.json()["responder_id"] == "mobile-team-1"
    assert client.get(url, headers=ADMIN).json() == mine.json()
    before = desk.events()
    for path in (url, f"{url}/tasks"):
        refused = client.get(path, auth=register("mobile-team-2"))
        assert refused.status_code == 403, refused.text
        assert "mobile-team-2 may not read response" in refused.json()["detail"]
        assert response_id in refused.json()["detail"]
    assert desk.events() == before and desk.response(response_id) == mine.json()
    unknown = f"/v1/responses/{uuid4()}"
    assert client.get(unknown).status_code == 401
    assert client.get(unknown, auth=register("mobile-team-2")).status_code == 404


def test_the_backup_team_and_the_team_it_backs_up_read_each_others_response(desk, client, register):
    response_id = on_scene(desk)
    team, third = desk.team_app(response_id), register("mobile-team-3")
    assert team[0] == "mobile-team-1"
    reported = client.post(f"/v1/responses/{response_id}/safety", json=WEAPON, auth=team)
    assert reported.status_code == 201, reported.text
    backup_id = reported.json()["backup_response_id"]
    backup = register(desk.response(backup_id)["responder_id"])  # the co-responder sent
    assert client.get(f"/v1/responses/{response_id}", auth=backup).json()["status"] == "on_scene"
    assert client.get(f"/v1/responses/{backup_id}", auth=team).json()["backs_up"] == response_id
    assert client.get(f"/v1/responses/{response_id}/tasks", auth=backup).json() == []
    assert client.get(f"/v1/responses/{backup_id}", auth=third).status_code == 403


def test_police_read_the_response_they_asked_for_and_the_team_not_theirs(desk, client, register):
    episode_id = police_on_scene(desk)
    police = register("police-dispatch")
    asked = client.post(
        f"/v1/episodes/{episode_id}/response-requests",
        json={"response_type": "mobile_team", "reason": "person_in_crisis_on_scene"},
        auth=police,
    )
    assert asked.status_code == 201, asked.text
    sent = asked.json()
    read = client.get(f"/v1/responses/{sent['response_id']}", auth=police)
    assert read.status_code == 200 and read.json()["requested_by"] == "police-dispatch"
    team = register(sent["responder_id"])
    url = f"/v1/episodes/{episode_id}/responses"
    assert [r["response_id"] for r in client.get(url, auth=team).json()] == [sent["response_id"]]
    assert len(client.get(url, auth=police).json()) == 2 == len(client.get(url, headers=ADMIN).json())


def test_an_episode_lists_only_what_the_caller_may_read_and_a_stranger_is_refused(desk, client, register):
    response_id = desk.assigned(at=desk.near("mobile-team-1"))["response_id"]
    episode_id = desk.response(response_id)["episode_id"]
    url = f"/v1/episodes/{episode_id}/responses"
    assert [r["response_id"] for r in client.get(url, auth=register("mobile-team-1")).json()] == [response_id]
    refused = client.get(url, auth=register("mobile-team-2"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == f"mobile-team-2 is party to no response of episode {episode_id}"
    assert client.get(f"/v1/episodes/{uuid4()}/responses", headers=ADMIN).json() == []
    assert client.get(f"/v1/episodes/{uuid4()}/responses", auth=register("mobile-team-1")).status_code == 403


def test_a_team_asking_for_a_response_is_refused_before_it_learns_of_the_episode(desk, client, register):
    episode_id = police_on_scene(desk)
    body = {"response_type": "mobile_team", "reason": "person_in_crisis_on_scene"}
    before = desk.events()
    for episode in (episode_id, str(uuid4())):
        refused = client.post(f"/v1/episodes/{episode}/response-requests", json=body, auth=register("mobile-team-1"))
        assert refused.status_code == 403
        assert refused.json()["detail"] == "mobile-team-1 is not a police desk on the roster"
    assert desk.events() == before
    unknown = client.post(f"/v1/episodes/{uuid4()}/response-requests", json=body, auth=register("police-dispatch"))
    assert unknown.status_code == 404 and desk.events() == before


def test_the_roster_and_places_are_read_by_any_registered_partner_not_by_anyone(client, register):
    reader = register("board")
    assert {r["responder_id"] for r in client.get("/v1/responders", auth=reader).json()} >= {"mobile-team-1"}
    assert client.get("/v1/places/stabilization-unit-1", auth=reader).json()["capacity"] == 16
    for path in ("/v1/responders", "/v1/responders/mobile-team-1", "/v1/places", "/v1/places/stabilization-unit-1"):
        refused = client.get(path)
        assert refused.status_code == 401 and refused.json() == {"detail": "missing or wrong credentials"}
        assert client.get(path, auth=("board", "not-the-secret-0123456789")).status_code == 401
