"""Partners that speak CloudEvents post contacts in structured JSON; a retried event is answered, not repeated."""

import pytest
from continuum_kit.testing import outbox

STRUCTURED = {"Content-Type": "application/cloudevents+json"}


def contact_event(event_id: str = "cad-evt-0001", **data: object) -> dict:
    return {
        "specversion": "1.0",
        "type": "continuum.contact.submitted.v1",
        "source": "/county/911-cad",
        "id": event_id,
        "time": "2026-01-01T03:04:05Z",
        "data": {"channel": "911_transfer", "call_type": "WELFARE_CHECK", "needs": ["mental_health"], **data},
    }


def test_structured_cloudevent_repeat_returns_the_same_contact(client, engine, partner, register, row_counts):
    first = client.post("/v1/events", json=contact_event(), headers=STRUCTURED, auth=partner)
    assert first.status_code == 201
    after_first = row_counts()
    again = client.post("/v1/events", json=contact_event(), headers=STRUCTURED, auth=partner)
    assert again.status_code == 200 and again.json() == first.json()
    assert row_counts() == after_first
    assert [e.type for e in outbox(engine)] == [
        "continuum.contact.received.v1",
        "continuum.episode.opened.v1",
        "continuum.episode.triaged.v1",
    ]
    other = register("county-cad-2")
    theirs = client.post("/v1/events", json=contact_event(), headers=STRUCTURED, auth=other)
    assert theirs.status_code == 201 and theirs.json()["contact_id"] != first.json()["contact_id"]


def test_cloudevent_as_plain_json_is_accepted_and_names_the_partner(client, engine, partner):
    response = client.post("/v1/events", json=contact_event("e-json"), auth=partner)
    assert response.status_code == 201
    received = outbox(engine)[0]
    assert received.data.partner_id == partner[0] and received.data.channel == "911_transfer"


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"specversion": "0.3"}, ["body", "specversion"]),
        ({"type": "continuum.episode.closed.v1"}, ["body", "type"]),
        ({"id": ""}, ["body", "id"]),
        ({"source": None}, ["body", "source"]),
        ({"data": {"channel": "carrier_pigeon"}}, ["body", "data", "channel"]),
        ({"data": {"channel": "walk_in", "call_type": "UFO"}}, ["body", "data", "call_type"]),
        (
            {"data": {"channel": "walk_in", "demographics": {"religion": "x"}}},
            ["body", "data", "demographics", "religion"],
        ),
        ({"Bad_Extension": "x"}, ["body"]),
    ],
)
def test_bad_cloudevent_gets_422_naming_the_field_and_changes_nothing(client, partner, row_counts, change, loc):
    event = {k: v for k, v in {**contact_event(), **change}.items() if v is not None}
    before = row_counts()
    response = client.post("/v1/events", json=event, headers=STRUCTURED, auth=partner)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert row_counts() == before


def test_cloudevent_in_another_content_type_is_refused(client, partner, row_counts):
    before = row_counts()
    response = client.post("/v1/events", content=b"{}", headers={"Content-Type": "text/plain"}, auth=partner)
    assert response.status_code == 415 and "application/cloudevents+json" in response.json()["detail"]
    assert row_counts() == before
