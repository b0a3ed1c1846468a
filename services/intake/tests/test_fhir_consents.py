"""Consents as FHIR R4 Consents at /fhir, and the DS4P security labels on what intake discloses."""

from datetime import timedelta

import pytest
from continuum_kit.testing import outbox
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.consent import Consent as FhirConsent

from .test_consents import CONSENT_RECORDED, consent, disclose

FHIR = "application/fhir+json"
R = {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R", "display": "restricted"}
PART2 = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "42CFRPart2", "display": "42 CFR Part2"}
NORDSCLCD = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "NORDSCLCD",
    "display": "no redisclosure without consent directive",
}
IRCP = {"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}


@pytest.fixture
def recorder(register):
    return register("988-center", event_types=["continuum.contact.submitted.v1", CONSENT_RECORDED])


@pytest.fixture
def stranger(register):
    """Registered for consents, party to no episode."""
    return register("peer-run-org", channels=[], event_types=[CONSENT_RECORDED])


@pytest.fixture
def handoff(register):
    return register("handoff", channels=[], event_types=["continuum.disclosure.request"])


@pytest.fixture
def episode(client, recorder):
    first = {"medium": "call", "caller": {"name": "Robin Example"}, "needs": ["substance_use"], "note": "detox"}
    return client.post("/v1/contacts/crisis-line", json=first, auth=recorder).json()["episode_id"]


def fhir_consent(clock, episode, **provision) -> dict:
    return {
        "resourceType": "Consent",
        "extension": [
            {"url": "urn:continuum:fhir:consent-episode", "valueReference": {"reference": f"EpisodeOfCare/{episode}"}}
        ],
        "status": "active",
        "scope": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "provision": {
            "type": "permit",
            "period": {"end": (clock.now() + timedelta(days=30)).isoformat()},
            "actor": [
                {
                    "role": {"coding": [IRCP]},
                    "reference": {"identifier": {"system": "urn:continuum:partner", "value": "x"}},
                },
                {
                    "role": {"coding": [IRCP]},
                    "reference": {"identifier": {"system": "urn:continuum:recipient-category", "value": "housing"}},
                },
            ],
            "class": [{"system": "urn:continuum:data-category", "code": "identity"}],
            "purpose": [{"system": "urn:continuum:disclosure-purpose", "code": "housing_assistance"}],
        }
        | provision,
    }


def test_a_recorded_consent_reads_as_a_valid_fhir_consent_and_inactive_once_revoked(
    client, clock, episode, recorder, admin
):
    given = consent(client, clock, episode, recorder, scope=["substance_use", "identity"], part2=True).json()
    answer = client.get(f"/fhir/Consent/{given['consent_id']}", auth=recorder)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(FHIR)
    read = answer.json()
    FhirConsent.model_validate(read)
    assert read["id"] == given["consent_id"] and read["status"] == "active"
    assert read["patient"] == {"reference": f"Patient/{given['person_id']}"}
    assert read["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    provision = read["provision"]
    assert provision["type"] == "permit"
    assert [c["code"] for c in provision["class"]] == ["identity", "substance_use"]
    assert [a["reference"]["identifier"]["value"] for a in provision["actor"]] == ["coordinated-entry"]
    assert provision["purpose"][0]["code"] == "housing_assistance"
    assert provision["period"]["end"].startswith(given["expires_at"][:19])
    assert "Robin" not in answer.text
    client.post(f"/v1/consents/{given['consent_id']}/revoke", auth=recorder)
    assert client.get(f"/fhir/Consent/{given['consent_id']}", auth=recorder).json()["status"] == "inactive"
    found = client.get("/fhir/Consent", params={"patient": f"Patient/{given['person_id']}"}, headers=admin).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [given["consent_id"]]


def test_a_fhir_consent_posted_is_recorded_as_on_v1_with_the_same_event(client, clock, episode, recorder, engine):
    answer = client.post("/fhir/Consent", json=fhir_consent(clock, episode), auth=recorder)
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert answer.headers["location"] == f"/fhir/Consent/{recorded['id']}"
    [v1] = client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json()
    assert v1["consent_id"] == recorded["id"] and v1["scope"] == ["identity"] and v1["part2"] is False
    assert v1["recipients"] == ["x"] and v1["recipient_categories"] == ["housing"] and v1["recorded_by"] == "988-center"
    same = {k: v1[k] for k in ("scope", "recipients", "recipient_categories", "purpose", "expires_at", "part2")}
    assert client.post(f"/v1/episodes/{episode}/consents", json=same, auth=recorder).status_code == 201
    by_fhir, by_v1 = [e for e in outbox(engine) if e.type == f"{CONSENT_RECORDED}.v1"]
    assert str(by_fhir.data.consent_id) == recorded["id"] and by_fhir.subject == by_v1.subject
    assert by_fhir.data.model_dump(exclude={"consent_id"}) == by_v1.data.model_dump(exclude={"consent_id"})


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"type": "deny"}, "Consent.provision.type"),
        (
            {"class": [{"system": "http://hl7.org/fhir/resource-types", "code": "Observation"}]},
            "Consent.provision.class[0]",
        ),
        ({"period": {}}, "Consent.provision.period.end"),
        ({"purpose": []}, "Consent.provision.purpose"),
        ({"class": [{"system": "urn:continuum:data-category", "code": "substance_use"}]}, "Consent.policyRule"),
    ],
)
def test_a_consent_intake_cannot_record_as_it_is_is_a_422_naming_the_path(
    client, clock, episode, recorder, change, path
):
    answer = client.post("/fhir/Consent", json=fhir_consent(clock, episode, **change), auth=recorder)
    assert answer.status_code == 422, answer.text
    outcome = answer.json()
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["expression"] == [path]
    assert client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json() == []


def test_another_partner_is_refused_as_on_v1(client, clock, episode, recorder, stranger):
    given = consent(client, clock, episode, recorder).json()
    refused = client.get(f"/fhir/Consent/{given['consent_id']}", auth=stranger)
    assert refused.status_code == 403 and refused.json()["issue"][0]["code"] == "forbidden"
    assert client.get(f"/v1/episodes/{episode}/consents", auth=stranger).status_code == 403
    search = client.get("/fhir/Consent", params={"patient": given["person_id"]}, auth=stranger)
    assert search.status_code == 403
    posted = client.post("/fhir/Consent", json=fhir_consent(clock, episode), auth=stranger)
    assert posted.status_code == 403 and posted.json()["resourceType"] == "OperationOutcome"


def test_disclosures_carry_ds4p_labels_r_always_and_part2_ones_under_a_part2_consent(
    client, clock, episode, recorder, handoff
):
    consent(client, clock, episode, recorder, scope=["identity"])
    ordinary = disclose(client, episode, handoff, ["identity"]).json()
    assert ordinary["security"] == [R]
    consent(client, clock, episode, recorder, scope=["substance_use"], part2=True)
    part2 = disclose(client, episode, handoff, ["substance_use"]).json()
    assert part2["security"] == [R, PART2, NORDSCLCD]


def test_metadata_is_a_capability_statement_for_consent(client):
    answer = client.get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(answer.json())
    [resource] = statement.rest[0].resource
    assert resource.type == "Consent" and {i.code for i in resource.interaction} == {"read", "search-type", "create"}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"patient": {"reference": "Patient/00000000-0000-0000-0000-000000000000"}}, "Consent.patient"),
        ({"policy": [{"uri": "https://example.org/policy"}]}, "Consent.policy"),
        ({"status": "inactive"}, "Consent.status"),
        ({"extension": []}, "Consent.extension"),
    ],
)
def test_what_intake_cannot_keep_outside_the_provision_is_refused_and_nothing_recorded(
    client, clock, episode, recorder, engine, change, path
):
    answer = client.post("/fhir/Consent", json=fhir_consent(clock, episode) | change, auth=recorder)
    assert answer.status_code == 422 and answer.json()["issue"][0]["expression"] == [path], answer.text
    assert client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json() == []
    assert not [e for e in outbox(engine) if e.type == f"{CONSENT_RECORDED}.v1"]


def test_a_retried_fhir_consent_with_its_idempotency_key_is_recorded_once(client, clock, episode, recorder, engine):
    headers = {"Idempotency-Key": "consent-retry-1"}
    first = client.post("/fhir/Consent", json=fhir_consent(clock, episode), auth=recorder, headers=headers)
    again = client.post("/fhir/Consent", json=fhir_consent(clock, episode), auth=recorder, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["content-type"].startswith("application/fhir+json")
    assert len(client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json()) == 1
    assert len([e for e in outbox(engine) if e.type == f"{CONSENT_RECORDED}.v1"]) == 1


def test_a_search_by_nothing_is_an_empty_searchset_saying_what_to_search_by(client, recorder):
    answer = client.get("/fhir/Consent", auth=recorder)
    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    assert (bundle["type"], bundle["total"]) == ("searchset", 0)
    [entry] = bundle["entry"]
    assert entry["search"]["mode"] == "outcome"
    assert entry["resource"]["issue"][0]["diagnostics"] == "search by patient or _id"
