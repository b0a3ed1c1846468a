"""The mobile-team app: assigned → acknowledged → en_route → on_scene → resolved, each step published."""

from datetime import timedelta
from uuid import UUID, uuid4

from continuum_contracts.vocabulary import Need

from .conftest import ADMIN


def test_team_moves_forward_each_step_is_published_and_team_status_follows(desk):
    data = desk.assigned()
    for status in ("acknowledged", "en_route", "on_scene"):
        answer = desk.update(data["response_id"], status)
        assert answer.status_code == 200 and answer.json()["status"] == status
    updates = [e.data for e in desk.events() if e.type == "continuum.response.updated.v1"]
    assert [(u.status, u.responder_id) for u in updates] == [
        ("acknowledged", "mobile-team-1"),
        ("en_route", "mobile-team-1"),
        ("on_scene", "mobile-team-1"),
    ]
    team = desk.responder("mobile-team-1")
    assert team["status"] == "on_scene" and team["active_responses"] == 1
    desk.update(data["response_id"], "resolved", disposition="resolved_in_place")
    team = desk.responder("mobile-team-1")
    assert team["status"] == "available" and team["active_responses"] == 0
    assert desk.kinds(desk.events())[-1] == "response.resolved"


def test_arrived_is_accepted_as_on_scene(desk):
    data = desk.assigned()
    answer = desk.update(data["response_id"], "arrived")
    assert answer.status_code == 200 and answer.json()["status"] == "on_scene"
    assert desk.events()[-1].data.status == "on_scene"


def test_skipping_ahead_is_allowed_and_published_once(desk):
    data = desk.assigned()
    assert desk.update(data["response_id"], "on_scene").json()["status"] == "on_scene"
    assert desk.kinds(desk.events()) == ["response.assigned", "response.updated"]


def test_backward_move_is_409_with_current_status(desk):
    data = desk.assigned()
    desk.update(data["response_id"], "on_scene")
    answer = desk.update(data["response_id"], "en_route")
    assert answer.status_code == 409
    assert answer.json()["detail"]["current_status"] == "on_scene" and answer.json()["detail"]["error"]


def test_nothing_moves_after_resolution(desk):
    data = desk.assigned()
    desk.update(data["response_id"], "resolved", disposition="referred")
    answer = desk.update(data["response_id"], "on_scene")
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "resolved"
    answer = desk.update(data["response_id"], "resolved", disposition="declined_services")
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "resolved"


def test_repeated_update_is_harmless_and_emits_nothing(desk, clock):
    data = desk.assigned()
    first = desk.update(data["response_id"], "en_route")
    events = len(desk.events())
    clock.advance(timedelta(minutes=5))
    again = desk.update(data["response_id"], "en_route")
    assert again.status_code == 200 and again.json() == first.json()
    assert len(desk.events()) == events


def test_repeated_resolution_is_harmless_and_emits_nothing(desk):
    data = desk.assigned()
    body = {"disposition": "transported_to_stabilization", "needs": ["housing"]}
    first = desk.update(data["response_id"], "resolved", **body)
    events = len(desk.events())
    again = desk.update(data["response_id"], "resolved", **body)
    assert again.status_code == 200 and again.json() == first.json()
    assert len(desk.events()) == events
    assert desk.place("stabilization-unit-1")["reserved"] == 1


def test_unknown_response_is_404_naming_it(desk, client):
    unknown = uuid4()
    answer = client.get(f"/v1/responses/{unknown}", headers=ADMIN)
    assert answer.status_code == 404 and str(unknown) in answer.json()["detail"]
    answer = desk.update(str(unknown), "en_route")
    assert answer.status_code == 404 and str(unknown) in answer.json()["detail"]


def test_resolution_without_disposition_is_422_naming_disposition(desk):
    data = desk.assigned()
    answer = desk.update(data["response_id"], "resolved")
    assert answer.status_code == 422 and "disposition" in str(answer.json()["detail"])
    assert desk.response(data["response_id"])["status"] == "assigned"


def test_disposition_before_resolution_is_422(desk):
    data = desk.assigned()
    answer = desk.update(data["response_id"], "on_scene", disposition="referred")
    assert answer.status_code == 422 and "disposition" in str(answer.json()["detail"])


def test_unknown_status_disposition_or_need_is_422(desk):
    data = desk.assigned()
    assert desk.update(data["response_id"], "assigned").status_code == 422
    assert desk.update(data["response_id"], "on_scene", needs=["groceries"]).status_code == 422
    assert desk.update(data["response_id"], "resolved", disposition="vanished").status_code == 422


def test_every_disposition_is_accepted(desk):
    dispositions = [
        "resolved_in_place",
        "transported_to_stabilization",
        "transported_to_peer_respite",
        "referred",
        "declined_services",
        "hospitalized",
        "police_custody",
    ]
    for disposition in dispositions:
        data = desk.assigned()
        answer = desk.update(data["response_id"], "resolved", disposition=disposition)
        assert answer.status_code == 200 and answer.json()["disposition"] == disposition


def test_resolution_is_published_with_the_team_reported_needs(desk):
    data = desk.assigned(needs=[Need.MENTAL_HEALTH])
    desk.update(data["response_id"], "resolved", disposition="referred", needs=["substance_use", "housing"])
    resolved = desk.events()[-1]
    assert resolved.type == "continuum.response.resolved.v1"
    assert resolved.data.needs == [Need.HOUSING, Need.SUBSTANCE_USE]
    assert resolved.data.responder_id == "mobile-team-1" and resolved.data.response_id == UUID(data["response_id"])
