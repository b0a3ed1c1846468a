"""A partner's retry never makes a second contact: the same incident, request id or Idempotency-Key gets the
first answer (200) and publishes nothing new, also when the two requests arrive at the same moment."""

import hashlib

import pytest
from continuum_intake.api.channel_bodies import CrisisLineContact
from continuum_kit.delivery import OutboxMessage
from continuum_kit.idempotency import AnsweredRequest
from continuum_kit.testing import at_once
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

CALL_911 = {"incident_tracking_id": "INC-2026-0042", "call_type_code": "WELFARE_CHECK", "priority": 2}
REQUEST_311 = {"service_request_id": "SR-77", "service_code": "HOMELESS_CONCERN"}
CRISIS_TEXT = {"medium": "text", "needs": ["mental_health"]}


def _outbox_rows(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage)).one()


@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/contacts/911", CALL_911), ("/v1/contacts/311", REQUEST_311)],
    ids=["911 incident_tracking_id", "311 service_request_id"],
)
def test_a_repeated_partner_id_returns_the_first_contact_and_publishes_nothing(
    client, engine, partner, row_counts, path, body
):
    first = client.post(path, json=body, auth=partner)
    assert first.status_code == 201, first.text
    published, counts = _outbox_rows(engine), row_counts()
    again = client.post(path, json={**body, "needs": ["housing"]}, auth=partner)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert (_outbox_rows(engine), row_counts()) == (published, counts)


def test_the_same_incident_id_from_another_partner_is_its_own_contact(client, partner, register):
    other = register("city-911")
    first = client.post("/v1/contacts/911", json=CALL_911, auth=partner).json()
    second = client.post("/v1/contacts/911", json=CALL_911, auth=other)
    assert second.status_code == 201 and second.json()["contact_id"] != first["contact_id"]


def test_a_repeated_idempotency_key_returns_the_first_answer(client, engine, partner, row_counts):
    key = {"Idempotency-Key": "line-7f3a9c"}
    first = client.post("/v1/contacts/crisis-line", json=CRISIS_TEXT, auth=partner, headers=key)
    assert first.status_code == 201, first.text
    published, counts = _outbox_rows(engine), row_counts()
    again = client.post("/v1/contacts/crisis-line", json=CRISIS_TEXT, auth=partner, headers=key)
    assert (again.status_code, again.json()) == (200, first.json())
    assert (_outbox_rows(engine), row_counts()) == (published, counts)
    fresh = client.post("/v1/contacts/crisis-line", json=CRISIS_TEXT, auth=partner, headers={"Idempotency-Key": "k2"})
    assert fresh.status_code == 201 and fresh.json()["contact_id"] != first.json()["contact_id"]


def test_a_key_reused_for_a_different_contact_is_refused_naming_the_header(client, engine, partner, row_counts):
    key = {"Idempotency-Key": "reused-key"}
    assert client.post("/v1/contacts/crisis-line", json=CRISIS_TEXT, auth=partner, headers=key).status_code == 201
    published, counts = _outbox_rows(engine), row_counts()
    other = {**CRISIS_TEXT, "needs": ["housing"]}
    refused = client.post("/v1/contacts/crisis-line", json=other, auth=partner, headers=key)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"] and "different request" in error["msg"]
    assert (_outbox_rows(engine), row_counts()) == (published, counts)


def test_a_malformed_key_is_refused_naming_the_header_and_changes_nothing(client, partner, row_counts):
    before = row_counts()
    refused = client.post(
        "/v1/contacts/crisis-line", json=CRISIS_TEXT, auth=partner, headers={"Idempotency-Key": "has spaces"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert row_counts() == before


def test_openapi_documents_the_retry_answer_and_the_key(client):
    operation = client.get("/openapi.json").json()["paths"]["/v1/contacts/911"]["post"]
    assert {"200", "201", "422"} <= set(operation["responses"])
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}


@pytest.mark.parametrize("rounds", [25])
def test_two_identical_requests_at_the_same_moment_make_one_contact(client, engine, partner, row_counts, rounds):
    """Run on SQLite and on PostgreSQL: two clients post the same 911 incident at once, many times over."""
    clients = [client, TestClient(client.app)]
    for round_ in range(rounds):
        body = {**CALL_911, "incident_tracking_id": f"RACE-{round_}"}
        before = row_counts()
        answers = at_once(
            *(lambda c=c, body=body: c.post("/v1/contacts/911", json=body, auth=partner) for c in clients)
        )
        assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        after = row_counts()
        assert after["intake_contact"] == before["intake_contact"] + 1
        assert after["intake_person"] == before["intake_person"] + 1
        assert after["outbox"] == before["outbox"] + 3  # received, opened, triaged: once


def test_the_kept_fingerprint_of_a_contact_cannot_be_matched_against_guessed_details(client, engine, partner):
    """A contact's body holds personal details: what is kept to recognise a retry is a keyed digest, so that
    hashing a guessed name and phone the same way finds nothing."""
    body = {**CRISIS_TEXT, "caller": {"name": "Dana Example", "phone": "+1 555 0100"}}
    key = {"Idempotency-Key": "fp-check"}
    assert client.post("/v1/contacts/crisis-line", json=body, auth=partner, headers=key).status_code == 201
    with Session(engine) as session:
        [kept] = session.exec(select(AnsweredRequest)).all()
    guessed = CrisisLineContact.model_validate(body).model_dump_json()
    assert kept.fingerprint != hashlib.sha256(guessed.encode()).hexdigest()
    assert "Dana" not in repr(kept.body) and "0100" not in repr(kept.body)
