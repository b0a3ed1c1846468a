"""Who may post: registered partners within their channels and event types; the admin API behind its token."""

from continuum_intake.config import IntakeSettings
from continuum_intake.store import Partner
from continuum_kit.testing import outbox
from sqlmodel import Session

CONTACT_SUBMITTED = "continuum.contact.submitted.v1"
WALK_IN = {"site": "downtown-center", "needs": ["mental_health"]}


def test_wrong_credential_gets_401_and_changes_nothing(client, partner, row_counts, admin):
    partner_id, _ = partner
    before = row_counts()
    for auth in [(partner_id, "not-the-secret-not-the-secret"), ("nobody", "whatever-whatever-whatever"), None]:
        response = client.post("/v1/contacts/walk-in", json=WALK_IN, auth=auth)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    bearer = client.post("/v1/contacts/walk-in", json=WALK_IN, headers=admin)
    assert bearer.status_code == 401, "the admin token is not a partner credential"
    assert row_counts() == before


def test_partner_outside_its_channels_gets_403(client, register, row_counts):
    warmline = register("peer-warmline", channels=["warmline_call", "warmline_text"], event_types=[])
    before = row_counts()
    transfer = {"incident_tracking_id": "INC-1", "call_type_code": "WELFARE_CHECK"}
    denied = client.post("/v1/contacts/911", json=transfer, auth=warmline)
    assert denied.status_code == 403 and "911_transfer" in denied.json()["detail"]
    chat = client.post("/v1/contacts/warmline", json={"medium": "chat"}, auth=warmline)
    assert chat.status_code == 403 and "warmline_chat" in chat.json()["detail"]
    generic = client.post("/v1/contacts", json={"channel": "crisis_line_call"}, auth=warmline)
    assert generic.status_code == 403 and "crisis_line_call" in generic.json()["detail"]
    event = {"specversion": "1.0", "type": CONTACT_SUBMITTED, "source": "/warmline", "id": "e-1"}
    event["data"] = {"channel": "warmline_call"}
    cloud = client.post("/v1/events", json=event, auth=warmline)
    assert cloud.status_code == 403 and CONTACT_SUBMITTED in cloud.json()["detail"]
    assert row_counts() == before
    allowed = client.post("/v1/contacts/warmline", json={"medium": "text"}, auth=warmline)
    assert allowed.status_code == 201


def test_events_name_the_authenticated_partner_not_one_from_the_body(client, engine, partner):
    claimed = client.post("/v1/contacts", json={"channel": "walk_in", "partner_id": "someone-else"}, auth=partner)
    assert claimed.status_code == 422 and claimed.json()["detail"][0]["loc"] == ["body", "partner_id"]
    assert client.post("/v1/contacts", json={"channel": "walk_in"}, auth=partner).status_code == 201
    received = outbox(engine)[0]
    assert received.type == "continuum.contact.received.v1" and received.data.partner_id == partner[0]


def test_admin_api_is_disabled_without_a_token(client_for, admin):
    client = client_for(IntakeSettings(admin_token=None))
    for response in (client.get("/v1/admin/partners", headers=admin), client.get("/v1/reviews")):
        assert response.status_code == 503
        assert response.json()["detail"] == "admin API disabled: set CONTINUUM_ADMIN_TOKEN"


def test_admin_api_needs_the_admin_token(client, row_counts):
    before = row_counts()
    body = {"partner_id": "intruder", "secret": "x" * 30, "channels": ["walk_in"]}
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}):
        response = client.post("/v1/admin/partners", json=body, headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert row_counts() == before


def test_partner_list_shows_registrations_but_no_secret(client, engine, register, admin):
    _, secret = register("county-311", channels=["311_request"], event_types=[CONTACT_SUBMITTED])
    listed = client.get("/v1/admin/partners", headers=admin)
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "partner_id": "county-311",
            "channels": ["311_request"],
            "event_types": [CONTACT_SUBMITTED],
            "created_at": listed.json()[0]["created_at"],
            "active": True,
        }
    ]
    with Session(engine) as session:
        stored = session.get(Partner, "county-311").secret_hash
    assert stored.startswith("scrypt$") and secret not in stored and stored.split("$")[4] not in listed.text


def test_registration_is_checked(client, register, admin):
    register("county-911")
    again = client.post(
        "/v1/admin/partners", json={"partner_id": "county-911", "secret": "y" * 30, "channels": []}, headers=admin
    )
    assert again.status_code == 409
    short = client.post("/v1/admin/partners", json={"partner_id": "p", "secret": "too-short"}, headers=admin)
    assert short.status_code == 422 and short.json()["detail"][0]["loc"] == ["body", "secret"]
    assert "too-short" not in short.text
    odd = client.post(
        "/v1/admin/partners",
        json={"partner_id": "p", "secret": "z" * 30, "channels": ["carrier_pigeon"], "event_types": ["x.v1"]},
        headers=admin,
    )
    assert {tuple(e["loc"]) for e in odd.json()["detail"]} == {
        ("body", "channels", 0),
        ("body", "event_types", 0),
    }
