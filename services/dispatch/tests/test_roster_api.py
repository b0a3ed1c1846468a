"""The responder registry: county IT keeps teams current, and dispatch chooses from what it says."""

from datetime import timedelta

from .conftest import ADMIN


def team(**overrides) -> dict:
    body = {
        "responder_id": "mobile-team-east",
        "kind": "mobile_team",
        "members": [{"member_id": "mte-peer", "role": "peer"}, {"member_id": "mte-clinician", "role": "clinician"}],
        "latitude": 45.40,
        "longitude": -122.60,
        "coverage_areas": ["outer"],
        "hours": [],
    }
    return body | overrides


def test_new_team_is_registered_and_sent_to_incidents_near_it(desk, client, admin):
    answer = client.post("/v1/responders", json=team(), headers=admin)
    assert answer.status_code == 201
    registered = answer.json()
    assert registered["with_peer"] is True and registered["status"] == "available" and registered["on_duty"] is True
    assert desk.responder("mobile-team-east") == registered
    assert desk.assigned(area="outer", at=(45.40, -122.60))["responder_id"] == "mobile-team-east"


def test_with_peer_follows_the_members(client, admin):
    clinicians_only = team(members=[{"member_id": "mte-clinician", "role": "clinician"}])
    assert client.post("/v1/responders", json=clinicians_only, headers=admin).json()["with_peer"] is False


def test_default_roster_is_listed_with_bases_and_coverage(client):
    responders = {r["responder_id"]: r for r in client.get("/v1/responders", headers=ADMIN).json()}
    assert set(responders) == {
        "mobile-team-1",
        "mobile-team-2",
        "mobile-team-3",
        "co-responder-1",
        "warmline-peer-1",
        "warmline-peer-2",
        "police-dispatch",
        "ems-dispatch",
    }
    assert all(r["status"] == "available" and r["on_duty"] for r in responders.values())
    assert responders["mobile-team-1"]["with_peer"] and not responders["mobile-team-3"]["with_peer"]
    for mobile in ("mobile-team-1", "mobile-team-2", "mobile-team-3"):
        assert responders[mobile]["latitude"] is not None and responders[mobile]["coverage_areas"]
    assert responders["warmline-peer-2"]["kind"] == "warmline_peer" and responders["warmline-peer-2"]["with_peer"]


def test_team_replaced_by_put_is_chosen_by_its_new_coverage(desk, client, admin):
    body = team() | {"coverage_areas": ["central"]}
    del body["responder_id"]
    answer = client.put("/v1/responders/mobile-team-3", json=body, headers=admin)
    assert answer.status_code == 200 and answer.json()["coverage_areas"] == ["central"]
    assert answer.json()["with_peer"] is True
    desk.set_status("mobile-team-1", "offline")
    emitted = desk.triage(area="outer", at=(45.42, -122.85))
    assert desk.kinds(emitted) == ["response.escalated"], "no team left covering outer"


def test_unknown_team_id_is_rejected_without_state_change(desk, client, admin):
    before = client.get("/v1/responders", headers=ADMIN).json()
    body = team()
    del body["responder_id"]
    answer = client.put("/v1/responders/mobile-team-99", json=body, headers=admin)
    assert answer.status_code == 404 and "mobile-team-99" in answer.json()["detail"]
    answer = client.patch("/v1/responders/mobile-team-99/status", json={"status": "offline"}, headers=admin)
    assert answer.status_code == 404 and "mobile-team-99" in answer.json()["detail"]
    assert client.get("/v1/responders/mobile-team-99", headers=ADMIN).status_code == 404
    assert client.get("/v1/responders", headers=ADMIN).json() == before


def test_out_of_range_coordinates_rejected(client, admin):
    for field, value in (("latitude", 91.0), ("longitude", -181.0)):
        answer = client.post("/v1/responders", json=team(**{field: value}), headers=admin)
        assert answer.status_code == 422 and field in str(answer.json()["detail"])
    answer = client.post("/v1/responders", json=team(longitude=None), headers=admin)
    assert answer.status_code == 422 and "longitude" in str(answer.json()["detail"])
    assert client.get("/v1/responders/mobile-team-east", headers=ADMIN).status_code == 404


def test_unknown_role_area_or_hours_are_rejected_naming_the_field(client, admin):
    unknown_role = team(members=[{"member_id": "x1", "role": "chaplain"}])
    answer = client.post("/v1/responders", json=unknown_role, headers=admin)
    assert answer.status_code == 422 and "role" in str(answer.json()["detail"])
    answer = client.post("/v1/responders", json=team(coverage_areas=["atlantis"]), headers=admin)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "coverage_areas", 0] and "atlantis" in answer.text
    bad_hours = team(hours=[{"days": ["mon"], "start": "25:00", "end": "08:00"}])
    answer = client.post("/v1/responders", json=bad_hours, headers=admin)
    assert answer.status_code == 422 and "start" in str(answer.json()["detail"])
    answer = client.post(
        "/v1/responders", json=team(hours=[{"days": ["someday"], "start": "08:00", "end": "16:00"}]), headers=admin
    )
    assert answer.status_code == 422 and "days" in str(answer.json()["detail"])


def test_registering_an_existing_id_is_409(client, admin):
    answer = client.post("/v1/responders", json=team(responder_id="mobile-team-1"), headers=admin)
    assert answer.status_code == 409 and "mobile-team-1" in answer.json()["detail"]


def test_team_off_duty_is_not_sent_and_comes_back_on_shift(desk, client, admin, clock):
    # The clock starts on Thursday 2026-01-01 at 00:00 UTC: a weekday day shift has not begun.
    day_shift = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00"}]
    body = team(responder_id="mobile-team-day", hours=day_shift, latitude=45.42, longitude=-122.85)
    assert client.post("/v1/responders", json=body, headers=admin).json()["on_duty"] is False
    assert desk.assigned(area="outer", at=(45.42, -122.85))["responder_id"] != "mobile-team-day"
    clock.advance(timedelta(hours=9))
    assert desk.responder("mobile-team-day")["on_duty"] is True
    assert desk.assigned(area="outer", at=(45.42, -122.85))["responder_id"] == "mobile-team-day"


def test_night_shift_runs_past_midnight(desk, client, admin):
    night = [{"days": ["wed"], "start": "22:00", "end": "06:00"}]  # Wednesday night into Thursday morning
    answer = client.post("/v1/responders", json=team(responder_id="mobile-team-night", hours=night), headers=admin)
    assert answer.json()["on_duty"] is True


def test_duty_hours_are_read_in_the_county_timezone(desk, client, admin, settings):
    settings.timezone = "America/Los_Angeles"  # 2026-01-01 00:00 UTC is Wednesday 16:00 there
    shift = [{"days": ["wed"], "start": "12:00", "end": "20:00"}]
    answer = client.post("/v1/responders", json=team(responder_id="mobile-team-pm", hours=shift), headers=admin)
    assert answer.json()["on_duty"] is True


def test_status_patch_takes_a_team_off_the_road(desk, client, admin):
    answer = client.patch("/v1/responders/mobile-team-1/status", json={"status": "offline"}, headers=admin)
    assert answer.status_code == 200 and answer.json()["status"] == "offline"
    assert desk.assigned(area="central", at=desk.near("mobile-team-1"))["responder_id"] != "mobile-team-1"
    assert (
        client.patch("/v1/responders/mobile-team-1/status", json={"status": "asleep"}, headers=admin).status_code == 422
    )


def test_roster_writes_need_the_admin_token(client, settings, register):
    team_app = register("mobile-team-1")  # a partner reads the roster, but does not change it
    assert client.post("/v1/responders", json=team()).status_code == 401
    assert client.post("/v1/responders", json=team(), auth=team_app).status_code == 403
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert (
        client.patch("/v1/responders/mobile-team-1/status", json={"status": "offline"}, headers=wrong).status_code
        == 401
    )
    settings.admin_token = None
    answer = client.post("/v1/responders", json=team(), headers=wrong)
    assert answer.status_code == 503 and answer.json()["detail"] == "admin API disabled: set CONTINUUM_ADMIN_TOKEN"
    assert client.get("/v1/responders/mobile-team-1", auth=team_app).json()["status"] == "available"
