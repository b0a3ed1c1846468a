"""A team set offline by county IT while it holds live responses: each goes to the next fitting team at once."""

from datetime import datetime, timedelta

import pytest
from continuum_dispatch.team_dropout import HANDOVER_RETRY
from continuum_kit.testing import at_once
from fastapi.testclient import TestClient

from .conftest import ADMIN


def send_team(desk) -> dict:
    """A central incident at mobile-team-1's base: mobile-team-1 goes, mobile-team-2 is next."""
    return desk.assigned(area="central", at=desk.near("mobile-team-1"))


def offline(client, admin, responder_id: str, *, put: bool = False):
    """County IT sets the team offline, by its status or by replacing its whole record."""
    if not put:
        return client.patch(f"/v1/responders/{responder_id}/status", json={"status": "offline"}, headers=admin)
    record = client.get(f"/v1/responders/{responder_id}", headers=ADMIN).json()
    body = {k: record[k] for k in ("kind", "members", "latitude", "longitude", "coverage_areas", "hours")}
    return client.put(f"/v1/responders/{responder_id}", json=body | {"status": "offline"}, headers=admin)


def since(desk, before: int) -> list:
    return desk.events()[before:]


def live_on(desk, responder_id: str) -> int:
    [team] = [r for r in desk.client.get("/v1/responders", headers=ADMIN).json() if r["responder_id"] == responder_id]
    return team["active_responses"]


@pytest.mark.parametrize("put", [False, True], ids=["patch", "put"])
def test_team_set_offline_after_acknowledging_is_replaced_at_once(desk, client, admin, put):
    first = send_team(desk)
    assert desk.update(first["response_id"], "acknowledged").status_code == 200
    before = len(desk.events())
    answer = offline(client, admin, "mobile-team-1", put=put)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "offline" and answer.json()["active_responses"] == 0
    emitted = since(desk, before)
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    assigned, replaced = emitted[0].data, emitted[1].data
    assert (str(assigned.replaces), assigned.reason, assigned.responder_id) == (
        first["response_id"],
        "team_offline",
        "mobile-team-2",
    )
    assert (str(replaced.response_id), replaced.responder_id, replaced.reason) == (
        first["response_id"],
        "mobile-team-1",
        "team_offline",
    )
    assert (replaced.replaced_by, replaced.replacement_responder_id) == (assigned.response_id, "mobile-team-2")
    old = desk.response(first["response_id"])
    assert old["status"] == "replaced" and old["progress_due"] is None and old["target_due"] is None
    new = desk.response(str(assigned.response_id))
    assert new["status"] == "assigned" and new["acknowledge_due"] is not None
    first_sent = datetime.fromisoformat(old["assigned_at"])
    assert datetime.fromisoformat(new["target_due"]) == first_sent + timedelta(hours=1), "the wait carries on"
    assert live_on(desk, "mobile-team-1") == 0 and live_on(desk, "mobile-team-2") == 1


@pytest.mark.parametrize("status", ["assigned", "acknowledged", "en_route", "on_scene"])
def test_every_live_response_of_an_offline_team_is_handed_over(desk, client, admin, status):
    first = send_team(desk)
    if status != "assigned":
        assert desk.update(first["response_id"], status).status_code == 200
    assert offline(client, admin, "mobile-team-1").status_code == 200
    assert desk.response(first["response_id"])["status"] == "replaced"
    assert live_on(desk, "mobile-team-1") == 0


def test_setting_a_team_offline_twice_hands_over_once(desk, client, admin):
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    offline(client, admin, "mobile-team-1")
    before = desk.events()
    again = offline(client, admin, "mobile-team-1")
    assert again.status_code == 200 and again.json()["status"] == "offline"
    assert desk.events() == before


def test_an_unknown_team_set_offline_is_404_and_changes_nothing(desk, client, admin):
    send_team(desk)
    roster, events = client.get("/v1/responders", headers=ADMIN).json(), desk.events()
    answer = offline(client, admin, "mobile-team-99")
    assert answer.status_code == 404 and "mobile-team-99" in answer.json()["detail"]
    assert client.get("/v1/responders", headers=ADMIN).json() == roster and desk.events() == events


def test_setting_a_team_offline_needs_the_admin_token(desk, client):
    first = send_team(desk)
    answer = client.patch("/v1/responders/mobile-team-1/status", json={"status": "offline"})
    assert answer.status_code == 401
    assert desk.response(first["response_id"])["status"] == "assigned"
    operation = client.get("/openapi.json").json()["paths"]["/v1/responders/{responder_id}/status"]["patch"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])


def test_replacement_that_cannot_be_there_in_the_time_left_escalates_at_once(desk, client, admin, clock):
    first = send_team(desk)
    desk.update(first["response_id"], "en_route")
    clock.advance(timedelta(minutes=50))  # ten minutes of the hour's target left
    before = len(desk.events())
    offline(client, admin, "mobile-team-1")
    emitted = since(desk, before)
    assert desk.kinds(emitted) == ["response.assigned", "response.escalated", "response.replaced"]
    assigned, escalated = emitted[0].data, emitted[1].data
    assert escalated.reason == "no_team_meets_target" and escalated.response_id == assigned.response_id
    assert escalated.target_minutes == 60 and escalated.best_eta_minutes == assigned.eta_minutes
    assert escalated.gap_minutes == assigned.eta_minutes - 10 > 0


def test_offline_team_nobody_can_relieve_keeps_the_response_marked_until_a_team_can(desk, client, admin, clock):
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    before = len(desk.events())
    assert offline(client, admin, "mobile-team-1").status_code == 200
    [escalated] = since(desk, before)
    assert escalated.type == "continuum.response.escalated.v1"
    assert escalated.data.reason == "team_dropped_out" and str(escalated.data.response_id) == first["response_id"]
    kept = desk.response(first["response_id"])
    assert kept["status"] == "acknowledged" and kept["dropped_out"] == "team_offline"
    assert datetime.fromisoformat(kept["handover_due"]) == clock.now() + HANDOVER_RETRY
    assert kept["progress_due"] is None and kept["target_due"] is not None, "the person's wait still counts"
    clock.advance(HANDOVER_RETRY)
    assert desk.sweep() == [], "still nobody: tried again later, escalated only once"
    desk.set_status("mobile-team-3", "available")
    clock.advance(HANDOVER_RETRY)
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    assert emitted[0].data.responder_id == "mobile-team-3" and emitted[1].data.reason == "team_offline"
    assert desk.response(first["response_id"])["status"] == "replaced" and live_on(desk, "mobile-team-1") == 0


def test_offline_team_back_on_duty_keeps_the_response_nobody_else_could_take(desk, client, admin, clock):
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    first = send_team(desk)
    offline(client, admin, "mobile-team-1")
    desk.set_status("mobile-team-1", "available")
    clock.advance(HANDOVER_RETRY)
    assert desk.sweep() == []
    back = desk.response(first["response_id"])
    assert back["status"] == "assigned" and back["dropped_out"] is None and back["handover_due"] is None


def test_an_offline_team_is_never_chosen(desk):
    desk.set_status("mobile-team-1", "offline")
    assert send_team(desk)["responder_id"] == "mobile-team-2"


def test_offline_racing_a_team_update_hands_over_exactly_once(desk, client, admin):
    """On SQLite and PostgreSQL: county IT sets the team offline while its app says en route, 5 times."""
    apps = [client, TestClient(client.app)]
    for _ in range(5):
        first = send_team(desk)
        assert first["responder_id"] == "mobile-team-1"
        desk.update(first["response_id"], "acknowledged")
        team = desk.team_app(first["response_id"])
        url = f"/v1/responses/{first['response_id']}/updates"
        went, moved = at_once(
            lambda: offline(apps[0], admin, "mobile-team-1"),
            lambda url=url, team=team: apps[1].post(url, json={"status": "en_route"}, auth=team),
        )
        assert went.status_code == 200, went.text
        assert moved.status_code in (200, 409), moved.text
        if moved.status_code == 409:
            assert moved.json()["detail"]["current_status"] == "replaced"
        assert desk.response(first["response_id"])["status"] == "replaced"
        replaced = [e for e in desk.events() if e.type == "continuum.response.replaced.v1"]
        assert [str(e.data.response_id) for e in replaced].count(first["response_id"]) == 1
        assert live_on(desk, "mobile-team-1") == 0
        replacement = replaced[-1].data.replaced_by
        finished = desk.update(str(replacement), "resolved", disposition="resolved_in_place")
        assert finished.status_code == 200
        desk.set_status("mobile-team-1", "available")
