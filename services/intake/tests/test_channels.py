"""Each partner channel posts its own body; what reaches the event stream is codes, an area and a grid cell."""

import pygeohash
import pytest
from continuum_kit.testing import outbox

TRIAGED = "continuum.episode.triaged.v1"
CALLER = {"name": "Quinn Fictional", "phone": "555-0142", "date_of_birth": "1988-04-02", "address": "12 Elm Street"}
CENTRAL = {"latitude": 45.5231, "longitude": -122.6765, "uncertainty_m": 30}

CHANNEL_BODIES = [
    ("/v1/contacts/crisis-line", {"medium": "text"}, "crisis_line_text", "988"),
    ("/v1/contacts/warmline", {"medium": "chat"}, "warmline_chat", "peer-warmline"),
    (
        "/v1/contacts/911",
        {"incident_tracking_id": "INC-7", "call_type_code": "WELFARE_CHECK", "priority": 2, "location": CENTRAL},
        "911_transfer",
        "911-diversion",
    ),
    (
        "/v1/contacts/311",
        {"service_request_id": "SR-9", "service_code": "HOMELESS_CONCERN", "lat": 45.1, "long": -122.9},
        "311_request",
        "311-diversion",
    ),
    (
        "/v1/contacts/police-referral",
        {"officer_agency": "county-sheriff", "offence_code": "TRESPASS"},
        "police_field_referral",
        "pre-arrest-diversion",
    ),
    ("/v1/contacts/emergency-department", {"facility": "general-hospital"}, "emergency_department", "ed-bridge"),
    ("/v1/contacts/street-outreach", {"location": CENTRAL}, "street_outreach", "street-outreach"),
    ("/v1/contacts/walk-in", {"site": "downtown-center"}, "walk_in", "walk-in-center"),
    ("/v1/contacts", {"channel": "walk_in", "call_type": "MENTAL_HEALTH"}, "walk_in", "walk-in-center"),
]


@pytest.mark.parametrize(("path", "body", "channel", "program"), CHANNEL_BODIES)
def test_each_channel_endpoint_opens_a_triaged_episode_on_its_channel(
    client, engine, partner, path, body, channel, program
):
    response = client.post(path, json={**body, "needs": ["mental_health"]}, auth=partner)
    assert response.status_code == 201, response.text
    accepted = response.json()
    assert accepted["joined"] is False and accepted["triage"]["program"] == program
    events = outbox(engine)
    assert [e.type.split(".")[2] for e in events] == ["received", "opened", "triaged"]
    triaged = events[-1].data
    assert triaged.channel == channel and triaged.program == program
    assert {e.subject for e in events} == {accepted["episode_id"]}


def test_openapi_documents_every_channel_body(client):
    document = client.get("/openapi.json").json()
    bodies = {
        path: document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path in document["paths"]
        if path.startswith("/v1/contacts")
    }
    assert len(set(bodies.values())) == len(CHANNEL_BODIES) + 1  # and the 911 CAD's NENA EIDO document
    assert bodies["/v1/contacts/911/eido"] == "#/components/schemas/EidoDocument"
    assert document["paths"]["/v1/contacts/911"]["post"]["security"] == [{"partner": []}]
    assert document["components"]["securitySchemes"]["partner"] == {
        "type": "http",
        "scheme": "basic",
        "description": "a registered partner: partner_id and secret",
    }


def test_911_location_travels_as_grid_and_area_never_coordinates(client, engine, partner):
    transfer = {
        "incident_tracking_id": "INC-2026-000123",
        "call_type_code": "MENTAL_HEALTH",
        "priority": 3,
        "location": CENTRAL,
        "caller": CALLER,
        "note": "Neighbour reports shouting from the blue house",
    }
    response = client.post("/v1/contacts/911", json=transfer, auth=partner)
    assert response.status_code == 201
    triage = response.json()["triage"]
    cell = pygeohash.encode(CENTRAL["latitude"], CENTRAL["longitude"], precision=5)
    assert (triage["area"], triage["grid"]) == ("central", cell)
    triaged = outbox(engine)[-1].data
    assert (triaged.area, triaged.grid, triaged.call_type) == ("central", cell, "MENTAL_HEALTH")
    published = b"".join(e.data.model_dump_json().encode() for e in outbox(engine))
    for secret in ("45.52", "122.67", "Quinn", "555-0142", "1988-04-02", "Elm Street", "blue house", "INC-2026"):
        assert secret.encode() not in published


def test_311_request_outside_the_city_is_in_the_rural_area_and_its_address_stays_inside(client, engine, partner):
    request = {
        "service_request_id": "SR-41",
        "service_code": "HOMELESS_CONCERN",
        "lat": 45.21,
        "long": -122.31,
        "address_string": "behind 400 Cedar Road",
        "needs": ["housing"],
    }
    response = client.post("/v1/contacts/311", json=request, auth=partner)
    assert response.status_code == 201
    triaged = outbox(engine)[-1].data
    assert triaged.area == "outer" and triaged.grid == pygeohash.encode(45.21, -122.31, precision=5)
    assert b"Cedar" not in b"".join(e.data.model_dump_json().encode() for e in outbox(engine))


def test_contact_without_a_location_has_no_area_or_grid(client, engine, partner):
    assert client.post("/v1/contacts/crisis-line", json={"medium": "call"}, auth=partner).status_code == 201
    triaged = outbox(engine)[-1].data
    assert triaged.area is None and triaged.grid is None and triaged.program == "988"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/contacts/911", {"incident_tracking_id": "I-1", "call_type_code": "ALIEN_LANDING"}, "call_type_code"),
        ("/v1/contacts/311", {"service_request_id": "S-1", "service_code": "ALIEN_LANDING"}, "service_code"),
        ("/v1/contacts", {"channel": "walk_in", "call_type": "ALIEN_LANDING"}, "call_type"),
    ],
)
def test_unknown_call_type_is_rejected_without_state_change(client, partner, row_counts, path, body, field):
    before = row_counts()
    response = client.post(path, json=body, auth=partner)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", field] and "ALIEN_LANDING" in error["msg"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        (
            "/v1/contacts/911",
            {"incident_tracking_id": "I-1", "call_type_code": "MEDICAL", "location": {"latitude": 91, "longitude": 0}},
            ["body", "location", "latitude"],
        ),
        (
            "/v1/contacts/street-outreach",
            {"location": {"latitude": 45, "longitude": -180.5}},
            ["body", "location", "longitude"],
        ),
        (
            "/v1/contacts/311",
            {"service_request_id": "S-1", "service_code": "NOISE", "lat": 1, "long": 181},
            ["body", "long"],
        ),
        (
            "/v1/contacts/911",
            {"incident_tracking_id": "I-1", "call_type_code": "MEDICAL", "priority": 6},
            ["body", "priority"],
        ),
        ("/v1/contacts/911", {"call_type_code": "MEDICAL"}, ["body", "incident_tracking_id"]),
        ("/v1/contacts/crisis-line", {"medium": "fax"}, ["body", "medium"]),
        ("/v1/contacts", {"partner": "x"}, ["body", "channel"]),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_changes_nothing(client, partner, row_counts, path, body, loc):
    before = row_counts()
    response = client.post(path, json=body, auth=partner)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert row_counts() == before


def test_311_lat_without_long_is_rejected(client, partner):
    response = client.post(
        "/v1/contacts/311", json={"service_request_id": "S", "service_code": "NOISE", "lat": 45}, auth=partner
    )
    assert response.status_code == 422 and "lat and long" in response.json()["detail"][0]["msg"]


def test_demographics_only_in_the_county_fields(client, engine, partner, row_counts):
    before = row_counts()
    odd = client.post("/v1/contacts/walk-in", json={"site": "s", "demographics": {"religion": "x"}}, auth=partner)
    assert odd.status_code == 422 and odd.json()["detail"][0]["loc"] == ["body", "demographics", "religion"]
    assert row_counts() == before
    kept = client.post("/v1/contacts/walk-in", json={"site": "s", "demographics": {"age_band": "25-34"}}, auth=partner)
    assert kept.status_code == 201
    assert outbox(engine)[-1].data.demographics == {"age_band": "25-34"}


def test_validation_errors_do_not_echo_personal_details(client, partner):
    body = {"site": "s", "caller": {"name": "Rowan Notreal " * 20, "phone": "555-0199", "date_of_birth": "1990-02-31"}}
    response = client.post("/v1/contacts/walk-in", json=body, auth=partner)
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {
        ("body", "caller", "name"),
        ("body", "caller", "date_of_birth"),
    }
    assert "Rowan" not in response.text and "1990-02-31" not in response.text
