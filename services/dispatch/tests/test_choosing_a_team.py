"""Who goes: the response triage recommended, the nearest free team, a peer preferred, escalation when short."""

import math

from continuum_contracts.vocabulary import Channel, Need, ResponseType, SafetyFlag
from continuum_dispatch.team_choice import cell_centre, distance_km

from .conftest import ADMIN


def expected_eta(desk, team: str, incident: tuple[float, float]) -> int:
    """Start-up time plus travel from the team's base to the centre of the incident's grid cell."""
    travel = distance_km(desk.near(team), cell_centre(desk.grid(incident))) / desk.settings.travel_speed_kmh * 60
    return math.ceil(desk.settings.eta_base_minutes + travel)


def test_nearest_available_team_with_peer_is_chosen_and_eta_stated(desk, settings):
    data = desk.assigned(area="central", at=desk.near("mobile-team-2"))
    assert data["responder_id"] == "mobile-team-2" and data["with_peer"] is True
    assert data["eta_minutes"] == expected_eta(desk, "mobile-team-2", desk.near("mobile-team-2"))
    assert data["target_minutes"] == 60  # central is urban
    view = desk.response(data["response_id"])
    assert view["status"] == "assigned" and view["area"] == "central" and view["target_minutes"] == 60


def test_nearer_team_without_peer_wins_when_peer_team_is_much_further(desk, settings):
    data = desk.assigned(area="outer", at=desk.near("mobile-team-3"))
    assert data["responder_id"] == "mobile-team-3" and data["with_peer"] is False
    assert data["target_minutes"] == 120  # outer is rural


def test_peer_team_a_little_further_is_preferred(desk, settings):
    settings.peer_preference_extra_minutes = 30
    data = desk.assigned(area="outer", at=desk.near("mobile-team-3"))
    assert data["responder_id"] == "mobile-team-1" and data["with_peer"] is True
    assert data["eta_minutes"] == expected_eta(desk, "mobile-team-1", desk.near("mobile-team-3"))


def test_crisis_plan_asking_for_peers_gets_the_peer_team_even_further_away(desk):
    data = desk.assigned(area="outer", at=desk.near("mobile-team-3"), peer_preferred=True)
    assert data["responder_id"] == "mobile-team-1" and data["with_peer"] is True


def test_busy_team_is_passed_over_for_the_next_nearest_free_one(desk):
    first = desk.assigned(area="central", at=desk.near("mobile-team-1"))
    second = desk.assigned(area="central", at=desk.near("mobile-team-1"))
    assert (first["responder_id"], second["responder_id"]) == ("mobile-team-1", "mobile-team-2")
    assert desk.responder("mobile-team-1")["active_responses"] == 1


def test_team_not_covering_the_area_is_not_sent(desk):
    desk.set_status("mobile-team-1", "offline")
    data = desk.assigned(area="outer", at=desk.near("mobile-team-2"))  # team 2 is nearest but covers only central
    assert data["responder_id"] == "mobile-team-3"


def test_without_a_location_the_least_loaded_team_goes_a_peer_team_first(desk):
    teams = [desk.assigned()["responder_id"] for _ in range(3)]
    assert teams == ["mobile-team-1", "mobile-team-2", "mobile-team-3"]


def test_offline_team_is_not_sent(desk):
    desk.set_status("mobile-team-2", "offline")
    assert desk.assigned(area="central", at=desk.near("mobile-team-2"))["responder_id"] != "mobile-team-2"


def test_no_team_within_target_escalates_with_gap(desk, settings):
    far_north = (46.0, -122.68)  # about 53 km from the nearest base: over the urban hour
    emitted = desk.triage(area="central", at=far_north)
    assert desk.kinds(emitted) == ["response.assigned", "response.escalated"]
    assigned, escalated = emitted[0].data, emitted[1].data
    assert assigned.responder_id == "mobile-team-1", "the best team still goes"
    assert escalated.reason == "no_team_meets_target" and escalated.response_id == assigned.response_id
    assert escalated.target_minutes == 60 and escalated.best_eta_minutes == assigned.eta_minutes
    assert escalated.gap_minutes == assigned.eta_minutes - 60 > 0
    assert escalated.area == "central" and escalated.response_type is ResponseType.MOBILE_TEAM


def test_no_team_available_at_all_escalates_and_assigns_nothing(desk, client):
    for team in ("mobile-team-1", "mobile-team-2", "mobile-team-3"):
        desk.set_status(team, "offline")
    emitted = desk.triage(area="outer")
    assert desk.kinds(emitted) == ["response.escalated"]
    escalated = emitted[0].data
    assert escalated.reason == "no_responder_available" and escalated.response_id is None
    assert escalated.target_minutes == 120 and escalated.best_eta_minutes is None
    assert client.get(f"/v1/episodes/{emitted[0].subject}/responses", headers=ADMIN).json() == []


def test_when_every_team_is_busy_the_call_queues_behind_one_and_is_escalated(desk, settings):
    for _ in range(3):
        desk.assigned()
    emitted = desk.triage()
    assert desk.kinds(emitted) == ["response.assigned", "response.escalated"]
    assert emitted[0].data.responder_id == "mobile-team-1"
    assert emitted[0].data.eta_minutes == settings.eta_base_minutes + settings.eta_per_active_minutes
    assert emitted[1].data.reason == "no_responder_available"
    assert emitted[1].data.response_id == emitted[0].data.response_id


def test_warmline_caller_gets_the_peer_on_the_line_and_nobody_moves(desk):
    emitted = desk.triage(ResponseType.PEER_SUPPORT, channel=Channel.WARMLINE_CALL)
    assert desk.kinds(emitted) == ["response.assigned"]
    data = emitted[0].data
    assert data.responder_id == "warmline-peer-1" and data.with_peer and data.eta_minutes == 0
    assert data.response_type is ResponseType.PEER_SUPPORT and data.target_minutes is None
    view = desk.response(str(data.response_id))
    assert view["acknowledge_due"] is None and view["target_due"] is None
    assert all(desk.responder(team)["active_responses"] == 0 for team in ("mobile-team-1", "police-dispatch"))


def test_weapon_call_gets_co_response_and_no_deflection(desk, client, admin):
    emitted = desk.triage(
        ResponseType.CO_RESPONSE,
        channel=Channel.TRANSFER_911,
        call_type="WELFARE_CHECK",
        police_required=True,
        safety_flags=[SafetyFlag.WEAPON],
        reasons=["weapon_or_means", "weapon"],
    )
    assert desk.kinds(emitted) == ["response.assigned"]
    data = emitted[0].data
    assert data.responder_id == "co-responder-1" and data.response_type is ResponseType.CO_RESPONSE
    assert data.reason == "police_required:weapon"
    assert "lawenforcement.deflected" not in desk.kinds(desk.events())
    report = client.get("/v1/reports/deflections", headers=admin).json()
    assert (report["eligible"], report["deflected"]) == (1, 0)


def test_violence_in_progress_goes_to_police_with_the_reason(desk):
    data = desk.assigned(
        response=ResponseType.POLICE,
        channel=Channel.TRANSFER_911,
        police_required=True,
        safety_flags=[SafetyFlag.WEAPON, SafetyFlag.VIOLENCE_IN_PROGRESS],
    )
    assert data["responder_id"] == "police-dispatch" and data["reason"] == "police_required:violence_in_progress"


def test_medical_emergency_goes_to_ems(desk):
    assert desk.assigned(response=ResponseType.EMS, safety_flags=[SafetyFlag.MEDICAL_EMERGENCY])["responder_id"] == (
        "ems-dispatch"
    )


def test_co_response_without_a_co_responder_escalates_rather_than_sending_police(desk):
    desk.set_status("co-responder-1", "offline")
    emitted = desk.triage(ResponseType.CO_RESPONSE, police_required=True, safety_flags=[SafetyFlag.WEAPON])
    assert desk.kinds(emitted) == ["response.escalated"]
    assert emitted[0].data.reason == "no_responder_available"
    assert desk.responder("police-dispatch")["active_responses"] == 0


def test_returning_contact_does_not_send_a_second_team(desk, client):
    episode = desk.triage(area="central", at=desk.near("mobile-team-1"))[0].subject
    assert desk.triage(area="central", at=desk.near("mobile-team-1"), episode_id=episode) == []
    assert len(client.get(f"/v1/episodes/{episode}/responses", headers=ADMIN).json()) == 1


def test_assigned_response_is_readable_by_id_and_by_episode(desk, client):
    emitted = desk.triage(needs=[Need.HOUSING, Need.MENTAL_HEALTH])
    response = desk.response(str(emitted[0].data.response_id))
    assert response["status"] == "assigned" and response["episode_id"] == emitted[0].subject
    assert response["needs"] == ["housing", "mental_health"] and response["reservation"] is None
    assert client.get(f"/v1/episodes/{emitted[0].subject}/responses", headers=ADMIN).json() == [response]
