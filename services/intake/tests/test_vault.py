"""The person vault: details encrypted at rest, returning people found by blind index, look-alikes reviewed."""

import json

import pytest
from continuum_intake.config import IntakeSettings
from continuum_intake.vault import Vault
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError
from sqlalchemy import text

CALLER = {
    "name": "Skyler Placeholder",
    "phone": "(555) 010-7788",
    "date_of_birth": "1979-11-30",
    "address": "7 Birch St",
}
PERSONAL = [
    "Skyler",
    "Placeholder",
    "010-7788",
    "0107788",
    "1979-11-30",
    "Birch St",
    "45.5231",
    "122.6765",
    "the bridge",
]


def _raw_rows(engine, table: str) -> str:
    with engine.connect() as connection:
        return repr(connection.execute(text(f"SELECT * FROM {table}")).all())  # noqa: S608 - fixed table names


def test_vault_columns_hold_no_plaintext(client, engine, partner, settings):
    transfer = {
        "incident_tracking_id": "INC-9",
        "call_type_code": "WELFARE_CHECK",
        "location": {"latitude": 45.5231, "longitude": -122.6765},
        "caller": CALLER,
        "note": "sleeping under the bridge, cold",
    }
    assert client.post("/v1/contacts/911", json=transfer, auth=partner).status_code == 201
    raw = _raw_rows(engine, "intake_person") + _raw_rows(engine, "intake_contact")
    for detail in PERSONAL:
        assert detail not in raw
    with engine.connect() as connection:
        person = connection.execute(text("SELECT name_encrypted, phone_encrypted FROM intake_person")).one()
        contact = connection.execute(text("SELECT location_encrypted, note_encrypted FROM intake_contact")).one()
    vault = Vault(settings.vault_keys, settings.vault_index_key)
    assert vault.unseal(person.name_encrypted) == "Skyler Placeholder"
    assert vault.unseal(person.phone_encrypted) == "(555) 010-7788"
    assert json.loads(vault.unseal(contact.location_encrypted))["latitude"] == 45.5231
    assert vault.unseal(contact.note_encrypted) == "sleeping under the bridge, cold"


def test_same_phone_in_another_format_is_the_same_person(client, partner):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    again = {"medium": "call", "caller": {"phone": "555.010.7788"}}
    second = client.post("/v1/contacts/crisis-line", json=again, auth=partner).json()
    assert second["person_id"] == first["person_id"]
    assert second["episode_id"] == first["episode_id"] and second["joined"] is True


def test_same_name_and_birth_date_is_the_same_person(client, partner):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    same = {"name": "  skyler   PLACEHOLDER ", "date_of_birth": "1979-11-30"}
    second = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": same}, auth=partner).json()
    assert second["person_id"] == first["person_id"]


def test_weak_match_is_flagged_for_review_not_merged(client, partner, admin):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    namesake = {"name": "Skyler Placeholder", "date_of_birth": "2001-05-05"}
    second = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": namesake}, auth=partner).json()
    assert second["person_id"] != first["person_id"] and second["episode_id"] != first["episode_id"]
    reviews = client.get("/v1/reviews", headers=admin)
    assert reviews.status_code == 200
    [review] = reviews.json()
    assert review["person_id"] == second["person_id"] and review["candidate_person_id"] == first["person_id"]
    assert (review["reason"], review["status"]) == ("same_name_other_birth_date", "open")
    assert "Skyler" not in reviews.text
    assert client.get("/v1/reviews", params={"status": "merged"}, headers=admin).json() == []


def test_review_queue_needs_the_admin_token(client, partner):
    assert client.get("/v1/reviews").status_code == 401
    refused = client.get("/v1/reviews", auth=partner)
    assert refused.status_code == 403 and "county IT only" in refused.json()["detail"]


def test_a_caller_without_details_is_never_matched(client, partner):
    one = client.post("/v1/contacts/crisis-line", json={"medium": "call"}, auth=partner).json()
    two = client.post("/v1/contacts/crisis-line", json={"medium": "call"}, auth=partner).json()
    assert one["person_id"] != two["person_id"]


def test_details_stay_readable_after_a_key_rotation():
    old, new = SecretStr(Fernet.generate_key().decode()), SecretStr(Fernet.generate_key().decode())
    index_key = SecretStr("an-index-key-of-at-least-32-characters!")
    sealed = Vault([old], index_key).seal("Avery Example")
    rotated = Vault([new, old], index_key)
    assert rotated.unseal(sealed) == "Avery Example"
    assert Vault([new], index_key).phone_index("555-010-7788") == rotated.phone_index("5550107788")


def test_a_bad_vault_key_stops_startup_without_showing_the_key():
    with pytest.raises(ValidationError) as failure:
        IntakeSettings(vault_keys=["not-a-fernet-key-but-secret-material"])
    assert "vault_keys[0] is not a Fernet key" in str(failure.value)
    assert "secret-material" not in str(failure.value)
