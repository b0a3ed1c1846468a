"""A safe place to go: beds held on transport, released when nobody comes, admitted and discharged by the facility."""

from datetime import timedelta
from uuid import UUID, uuid4

from continuum_contracts.vocabulary import Channel, ResponseType, SafetyFlag

from .conftest import ADMIN


def transport(desk, disposition="transported_to_stabilization", **triage) -> dict:
    """A team takes the person somewhere; return the response as the app then sees it."""
    data = desk.assigned(**triage)
    answer = desk.update(data["response_id"], "resolved", disposition=disposition)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_transport_to_stabilization_holds_a_bed_for_the_hold_time(desk, clock):
    response = transport(desk)
    assert desk.kinds(desk.events()) == ["response.assigned", "response.resolved", "placement.reserved"]
    placement = desk.events()[-1].data
    assert placement.place_id == "stabilization-unit-1" and placement.place_type == "stabilization_unit"
    assert placement.hold_until == clock.now() + timedelta(minutes=90)
    assert placement.response_id == UUID(response["response_id"]) and placement.responder_id == "mobile-team-1"
    assert response["reservation"]["place_id"] == "stabilization-unit-1" and response["reservation"]["state"] == "held"
    unit = desk.place("stabilization-unit-1")
    assert (unit["capacity"], unit["reserved"], unit["occupied"], unit["available"]) == (16, 1, 0, 15)


def test_transport_to_peer_respite_reserves_a_respite_bed(desk):
    transport(desk, "transported_to_peer_respite")
    assert desk.events()[-1].data.place_id == "peer-respite-1"


def test_police_co_response_transported_to_stabilization_reserves_a_bed(desk):
    response = transport(
        desk,
        response=ResponseType.CO_RESPONSE,
        channel=Channel.TRANSFER_911,
        police_required=True,
        safety_flags=[SafetyFlag.WEAPON],
    )
    assert response["response_type"] == "co_response" and response["reservation"]["place_id"] == "stabilization-unit-1"


def test_reservation_nobody_uses_is_released_and_bed_returns(desk, clock, client, admin):
    reservation = transport(desk)["reservation"]
    clock.advance(timedelta(minutes=89))
    assert desk.sweep() == []
    clock.advance(timedelta(minutes=1))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["placement.released"]
    released = emitted[0].data
    assert str(released.reservation_id) == reservation["reservation_id"] and released.reason == "hold_expired"
    assert released.place_type == "stabilization_unit"
    unit = desk.place("stabilization-unit-1")
    assert (unit["reserved"], unit["available"]) == (0, 16)
    answer = client.post(
        "/v1/places/stabilization-unit-1/admissions",
        json={"reservation_id": reservation["reservation_id"]},
        headers=admin,
    )
    assert answer.status_code == 409 and answer.json()["detail"]["current_state"] == "released"
    assert desk.sweep() == []


def test_admission_and_discharge_change_availability(desk, client, admin, clock):
    reservation_id = transport(desk)["reservation"]["reservation_id"]
    url = "/v1/places/stabilization-unit-1"
    admitted = client.post(f"{url}/admissions", json={"reservation_id": reservation_id}, headers=admin)
    assert admitted.status_code == 201 and admitted.json()["state"] == "admitted"
    unit = desk.place("stabilization-unit-1")
    assert (unit["reserved"], unit["occupied"], unit["available"]) == (0, 1, 15)
    clock.advance(timedelta(hours=3))
    assert desk.sweep() == [], "an admitted person's bed is not released by the hold timer"
    again = client.post(f"{url}/admissions", json={"reservation_id": reservation_id}, headers=admin)
    assert again.status_code == 200 and again.json()["state"] == "admitted"

    discharged = client.post(f"{url}/discharges", json={"reservation_id": reservation_id}, headers=admin)
    assert discharged.status_code == 201 and discharged.json()["state"] == "discharged"
    unit = desk.place("stabilization-unit-1")
    assert (unit["reserved"], unit["occupied"], unit["available"]) == (0, 0, 16)
    kinds = desk.kinds(desk.events())
    assert kinds[-2:] == ["placement.admitted", "placement.discharged"] and kinds.count("placement.admitted") == 1
    admitted_event = desk.events()[-2]
    assert admitted_event.data.place_id == "stabilization-unit-1" and str(admitted_event.data.reservation_id) == (
        reservation_id
    )


def test_discharge_before_admission_is_409_and_unknown_reservation_is_404(desk, client, admin):
    reservation_id = transport(desk)["reservation"]["reservation_id"]
    answer = client.post(
        "/v1/places/stabilization-unit-1/discharges", json={"reservation_id": reservation_id}, headers=admin
    )
    assert answer.status_code == 409 and answer.json()["detail"]["current_state"] == "held"
    unknown = str(uuid4())
    answer = client.post("/v1/places/stabilization-unit-1/admissions", json={"reservation_id": unknown}, headers=admin)
    assert answer.status_code == 404 and unknown in answer.json()["detail"]
    answer = client.post("/v1/places/peer-respite-1/admissions", json={"reservation_id": reservation_id}, headers=admin)
    assert answer.status_code == 404, "a reservation is admitted only where it is held"
    answer = client.post("/v1/places/nowhere-9/admissions", json={"reservation_id": reservation_id}, headers=admin)
    assert answer.status_code == 404 and "nowhere-9" in answer.json()["detail"]


def test_full_place_resolves_without_reservation_and_a_supervisor_is_told(desk, client, admin):
    assert client.put("/v1/places/peer-respite-1", json={"capacity": 0}, headers=admin).status_code == 200
    response = transport(desk, "transported_to_peer_respite")
    assert response["reservation"] is None
    assert desk.kinds(desk.events()) == ["response.assigned", "response.resolved", "placement.unavailable"]
    unavailable = desk.events()[-1].data
    assert (unavailable.place_type, unavailable.reason, unavailable.declined_by) == (
        "peer_respite",
        "no_place_with_room",
        None,
    )
    assert (str(unavailable.response_id), unavailable.responder_id) == (response["response_id"], "mobile-team-1")


def test_place_not_accepting_gets_no_reservation_and_shows_nothing_available(desk, client, admin):
    answer = client.put("/v1/places/stabilization-unit-1", json={"capacity": 16, "accepting": False}, headers=admin)
    assert answer.status_code == 200 and answer.json()["available"] == 0 and answer.json()["accepting"] is False
    assert transport(desk)["reservation"] is None


def test_facility_adds_a_place_and_its_beds_are_used(desk, client, admin):
    answer = client.put(
        "/v1/places/stabilization-unit-2", json={"place_type": "stabilization_unit", "capacity": 30}, headers=admin
    )
    assert answer.status_code == 201 and answer.json()["available"] == 30
    assert transport(desk)["reservation"]["place_id"] == "stabilization-unit-2", "the place with most room"
    missing_type = client.put("/v1/places/respite-9", json={"capacity": 3}, headers=admin)
    assert missing_type.status_code == 422 and "place_type" in str(missing_type.json()["detail"])
    retyped = client.put("/v1/places/detox-1", json={"place_type": "peer_respite", "capacity": 3}, headers=admin)
    assert retyped.status_code == 409


def test_resolution_in_place_reserves_nothing(desk, client):
    transport(desk, "resolved_in_place")
    assert desk.kinds(desk.events()) == ["response.assigned", "response.resolved"]
    assert all(p["reserved"] == 0 and p["occupied"] == 0 for p in client.get("/v1/places", headers=ADMIN).json())


def test_default_places_are_listed(client):
    listed = client.get("/v1/places", headers=ADMIN).json()
    places = {p["place_id"]: (p["place_type"], p["capacity"], p["available"]) for p in listed}
    assert places == {
        "stabilization-unit-1": ("stabilization_unit", 16, 16),
        "peer-respite-1": ("peer_respite", 6, 6),
        "23h-bed-1": ("23_hour_bed", 8, 8),
        "detox-1": ("detox", 10, 10),
    }


def test_facility_api_needs_the_admin_token(desk, client, settings, register):
    body = {"capacity": 3}
    facility = register("detox-1-desk")  # a partner reads the places, but does not set them
    assert client.put("/v1/places/detox-1", json=body).status_code == 401
    assert client.put("/v1/places/detox-1", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    settings.admin_token = None
    answer = client.put("/v1/places/detox-1", json=body)
    assert answer.status_code == 503 and answer.json()["detail"] == "admin API disabled: set CONTINUUM_ADMIN_TOKEN"
    assert client.put("/v1/places/detox-1", json=body, auth=facility).status_code == 503
    assert client.get("/v1/places/detox-1", auth=facility).json()["capacity"] == 10
