"""A client guessing partner secrets is slowed down before it can burn the CPU on scrypt: failed credential
checks are limited per client address and per partner id (429 with Retry-After), and nothing else is."""

import pytest
from continuum_intake.config import IntakeSettings
from fastapi.testclient import TestClient

from .conftest import ADMIN_TOKEN, intake_client

CONTACT = {"medium": "text", "needs": ["mental_health"]}


@pytest.fixture
def guarded(engine, clock):
    settings = IntakeSettings(
        admin_token=ADMIN_TOKEN, failed_credentials_per_client="3/minute", failed_credentials_per_partner="5/minute"
    )
    app = intake_client(engine, clock, settings).app
    return lambda host: TestClient(app, client=(host, 50000))


def _contact(client: TestClient, secret: str):
    return client.post("/v1/contacts/crisis-line", json=CONTACT, auth=("county-911", secret))


def test_a_client_that_keeps_guessing_is_answered_429_even_for_the_right_secret(guarded, register):
    _, secret = register()
    guesser, partner = guarded("10.0.0.66"), guarded("10.0.0.7")
    assert [_contact(guesser, f"guess-{i}").status_code for i in range(3)] == [401, 401, 401]
    refused = _contact(guesser, secret)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "failed credential checks" in refused.json()["detail"]
    assert _contact(partner, secret).status_code == 201, "another client with the right secret is not held back"


def test_one_partner_id_guessed_from_many_addresses_is_limited_for_that_id_only(guarded, register):
    _, secret = register()
    other_id, other_secret = register("county-311")
    statuses = [_contact(guarded(f"10.0.1.{i}"), "wrong").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]
    other = guarded("10.0.2.1").post("/v1/contacts/crisis-line", json=CONTACT, auth=(other_id, other_secret))
    assert other.status_code == 201


def test_requests_without_credentials_and_right_secrets_are_never_counted(guarded, register):
    _, secret = register()
    client = guarded("10.0.3.1")
    assert [client.post("/v1/contacts/crisis-line", json=CONTACT).status_code for _ in range(5)] == [401] * 5
    assert [_contact(client, secret).status_code for _ in range(5)] == [201] * 5
