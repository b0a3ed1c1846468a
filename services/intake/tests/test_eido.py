"""A 911 CAD posts a NENA EIDO document (NENA-STA-021.1): one contact per incident, PHI only in the vault,
and a 422 that names the EIDO path, never the value."""

import copy
import json
from pathlib import Path

import pygeohash
import pytest
from continuum_intake.config import IntakeSettings
from continuum_intake.store import Contact, Person
from continuum_kit.testing import outbox
from sqlmodel import Session, select

from .conftest import ADMIN, ADMIN_TOKEN

EIDO = "/v1/contacts/911/eido"
FIXTURES = Path(__file__).parent / "data" / "eido"
NENA_SAMPLE = json.loads((FIXTURES / "nena-sample-call-transfer.json").read_text())
WRITTEN = json.loads((FIXTURES / "continuum-written-mental-health-incident.json").read_text())
KNIFE = json.loads((FIXTURES / "continuum-written-person-with-a-knife.json").read_text())

# (document, incident tracking id, call type, area, grid, what must never reach the event stream)
SAMPLES = [
    (
        NENA_SAMPLE,
        "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us",
        None,  # NENA's sample is a call transfer: no incident component, so no incident type
        None,  # and its locations are a civic address and a reference: no point to place in an area
        None,
        ["8195551212", "Wilmington", "Cellular", "lrf.osp.com", "a56e556d871"],
    ),
    (
        WRITTEN,
        "urn:emergency:uid:incidentid:7c1f0e2a9b3d:psap.example-county.gov",
        "MENTAL_HEALTH",  # MNTL, Mental Person Non-Violent
        "central",
        pygeohash.encode(45.5231, -122.6765, precision=5),
        ["Avery", "Fictionalperson", "Morgan", "5550163", "5550117", "Larchmont", "97205", "45.52", "122.67"]
        + ["pacing the hallway", "7c1f0e2a9b3d"],
    ),
    (
        KNIFE,
        "urn:emergency:uid:incidentid:4e2b9d61c0a7:psap.example-county.gov",
        "MENTAL_HEALTH",  # EDP, Emotional Disturbance, Abnormal Behavior
        "central",
        pygeohash.encode(45.5231, -122.6765, precision=5),
        ["Avery", "5550163", "Larchmont", "knife", "Kitchen", "KNIFE", "stairwell", "4e2b9d61c0a7"],
    ),
]


def _contacts(engine) -> list[Contact]:
    with Session(engine) as session:
        return list(session.exec(select(Contact)).all())


def _published(engine) -> bytes:
    return b"".join(e.data.model_dump_json().encode() for e in outbox(engine))


@pytest.mark.parametrize(("document", "tracking_id", "call_type", "area", "grid", "secrets"), SAMPLES)
def test_each_sample_becomes_a_contact_with_its_phi_only_inside(
    client, engine, partner, document, tracking_id, call_type, area, grid, secrets
):
    response = client.post(EIDO, json=document, auth=partner)
    assert response.status_code == 201, response.text
    assert (response.json()["triage"]["area"], response.json()["triage"]["grid"]) == (area, grid)
    [contact] = _contacts(engine)
    assert contact.channel == "911_transfer" and contact.call_type == call_type
    assert contact.partner_codes["incident_tracking_id"] == tracking_id
    triaged = outbox(engine)[-1].data
    assert (triaged.channel, triaged.call_type, triaged.area, triaged.grid) == ("911_transfer", call_type, area, grid)
    assert triaged.program == "911-diversion"
    published = _published(engine)
    for secret in secrets:
        assert secret.encode() not in published, secret
    assert contact.location_encrypted is not None  # the address and point, sealed
    assert all(secret not in contact.location_encrypted for secret in secrets)


def test_the_person_in_crisis_is_the_patient_with_their_call_back_and_the_notes_are_kept(client, engine, partner):
    response = client.post(EIDO, json=WRITTEN, auth=partner)
    assert response.status_code == 201, response.text
    vault = client.app.state.intake_parts.vault
    [contact] = _contacts(engine)
    assert contact.partner_codes == {
        "incident_tracking_id": WRITTEN["$id"],
        "priority": 3,
        "eido_incident_type": "MNTL",
    }
    where = json.loads(vault.unseal(contact.location_encrypted))
    assert where["address"] == "1200 Larchmont Avenue, 4B, Portland, OR, 97205, US"
    assert (where["latitude"], where["longitude"], where["uncertainty_m"]) == (45.5231, -122.6765, 30.0)
    assert "pacing the hallway" in vault.unseal(contact.note_encrypted)
    with Session(engine) as session:
        person = session.get(Person, contact.person_id)
    assert (vault.unseal(person.name_encrypted), vault.unseal(person.phone_encrypted)) == (
        "Avery Fictionalperson",
        "+15035550163",
    )


def test_the_same_incident_twice_gets_the_first_answer_and_one_contact(client, engine, partner):
    first = client.post(EIDO, json=WRITTEN, auth=partner)
    updated = _with(WRITTEN, "2026-03-14T02:30:00.000-07:00", "lastUpdateTimeStamp")
    again = client.post(EIDO, json=updated, auth=partner)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and len(_contacts(engine)) == 1


def test_one_incident_is_one_contact_whether_sent_as_fields_or_as_an_eido(client, engine, partner):
    tracking_id = "urn:emergency:uid:incidentid:1:psap.example.gov"
    fields = {"incident_tracking_id": tracking_id, "call_type_code": "MENTAL_HEALTH"}
    first = client.post("/v1/contacts/911", json=fields, auth=partner)
    again = client.post(EIDO, json=_with(WRITTEN, tracking_id, "$id"), auth=partner)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json() and len(_contacts(engine)) == 1


def _without(document: dict, *path) -> dict:
    changed = copy.deepcopy(document)
    *parents, last = path
    target = changed
    for key in parents:
        target = target[key]
    del target[last]
    return changed


def _with(document: dict, value, *path) -> dict:
    changed = copy.deepcopy(document)
    *parents, last = path
    target = changed
    for key in parents:
        target = target[key]
    target[last] = value
    return changed


BAD_POINT = WRITTEN["locationComponent"][1]["locationByValue"].replace("45.5231 -122.6765", "145.5231 -122.6765")
BAD = [
    (_without(WRITTEN, "$id"), ["body", "$id"]),
    (
        _without(WRITTEN, "incidentComponent", "incidentTypeCommonRegistryText"),
        INCIDENT := ["body", "incidentComponent", "incidentTypeCommonRegistryText"],
    ),
    (_with(WRITTEN, "ALIEN", "incidentComponent", "incidentTypeCommonRegistryText"), INCIDENT),
    (_with(WRITTEN, "2.0", "eidoVersion"), ["body", "eidoVersion"]),
    (
        _with(WRITTEN, BAD_POINT, "locationComponent", 1, "locationByValue"),
        LOC := ["body", "locationComponent", 1, "locationByValue"],
    ),
    (_with(WRITTEN, "<presence><unclosed></presence>", "locationComponent", 1, "locationByValue"), LOC),
    (_with(WRITTEN, "<!DOCTYPE x [<!ENTITY a 'b'>]><presence/>", "locationComponent", 1, "locationByValue"), LOC),
    (_without(WRITTEN, "locationComponent", 1, "locationByValue"), ["body", "locationComponent", 1]),
    (
        _with(WRITTEN, {"$ref": "nowhere"}, "personComponent", 1, "callBackReference"),
        ["body", "personComponent", 1, "callBackReference", "$ref"],
    ),
    (
        _with(KNIFE, [{"value": "yes"}], "itemComponent", 0, "ncItemType", "isWeaponUsage"),
        ["body", "itemComponent", 0, "ncItemType", "isWeaponUsage", 0, "value"],
    ),
    (
        _with(KNIFE, "item-knife-1", "personComponent", 1, "itemReference"),
        ["body", "personComponent", 1, "itemReference"],
    ),
    (_without(KNIFE, "itemComponent", 0, "$id"), ["body", "itemComponent", 0, "$id"]),
]


@pytest.mark.parametrize(("document", "loc"), BAD)
def test_a_malformed_document_gets_422_naming_its_eido_path_and_changes_nothing(
    client, partner, row_counts, document, loc
):
    before = row_counts()
    response = client.post(EIDO, json=document, auth=partner)
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["detail"]] == [loc]
    for secret in ("Avery", "Larchmont", "145.5231", "pacing", "5550163", "ALIEN"):
        assert secret not in response.text
    assert row_counts() == before


def test_a_partner_not_registered_for_911_is_refused_as_for_the_fields_body(client, register, row_counts):
    warmline = register("peer-warmline", channels=["warmline_call"], event_types=[])
    before = row_counts()
    for document in (WRITTEN, _with(WRITTEN, "ALIEN", "incidentComponent", "incidentTypeCommonRegistryText")):
        denied = client.post(EIDO, json=document, auth=warmline)
        assert denied.status_code == 403 and "911_transfer" in denied.json()["detail"]
    assert client.post(EIDO, json=WRITTEN).status_code == 401
    assert row_counts() == before


def test_the_county_maps_its_own_incident_types(client_for, engine):
    client = client_for(IntakeSettings(admin_token=ADMIN_TOKEN, eido_incident_types={"MNTL": "WELFARE_CHECK"}))
    body = {"partner_id": "cad", "secret": "cad-secret-at-least-24-characters", "channels": ["911_transfer"]}
    assert client.post("/v1/admin/partners", json=body, headers=ADMIN).status_code == 201
    cad = ("cad", body["secret"])
    assert client.post(EIDO, json=WRITTEN, auth=cad).status_code == 201
    assert outbox(engine)[-1].data.call_type == "WELFARE_CHECK"
    suicide = _with(WRITTEN, "SUICTHRT", "incidentComponent", "incidentTypeCommonRegistryText")
    refused = client.post(EIDO, json=_with(suicide, "urn:emergency:uid:incidentid:2:x", "$id"), auth=cad)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == INCIDENT


def test_a_mapping_to_a_call_type_the_county_does_not_use_is_refused_at_startup():
    with pytest.raises(ValueError, match="eido_incident_types"):
        IntakeSettings(eido_incident_types={"MNTL": "ALIEN_LANDING"})


def _safety_seen(client, engine, partner, document) -> tuple[list[str], str, bool]:
    """The safety flags on the contact and on the triage event, and the response the answer recommends."""
    response = client.post(EIDO, json=document, auth=partner)
    assert response.status_code == 201, response.text
    [contact] = _contacts(engine)
    assert outbox(engine)[-1].data.safety_flags == contact.safety_flags
    triage = response.json()["triage"]
    return contact.safety_flags, triage["recommended_response"], triage["police_required"]


def _incident(incident_type: str) -> dict:
    return _with(WRITTEN, incident_type, "incidentComponent", "incidentTypeCommonRegistryText")


ARMED, UNARMED = (["weapon"], "co_response", True), ([], "mobile_team", False)
NOT_USED = _with(KNIFE, [{"value": False}], "itemComponent", 0, "ncItemType", "isWeaponUsage")


@pytest.mark.parametrize(
    ("document", "seen"),
    [
        (_incident("WEAPON"), ARMED),  # Weapon Violation
        (_incident("MTLV"), (["violence_in_progress"], "police", True)),  # Mental Person Violent
        (_incident("MNTL"), UNARMED),  # Mental Person Non-Violent
        (KNIFE, ARMED),  # the patient's item: a kitchen knife used as a weapon (isWeaponUsage)
        (_with(NOT_USED, [{"value": True}], "itemComponent", 0, "ncItemType", "isWeapon"), ARMED),
        (NOT_USED, UNARMED),  # neither a weapon nor used as one
        (_without(KNIFE, "personComponent", 1, "itemReference"), UNARMED),  # no person carries it
        (_with(KNIFE, [{"$ref": "nowhere"}], "personComponent", 1, "itemReference"), UNARMED),  # no such item
    ],
)
def test_what_the_eido_says_of_weapons_and_violence_reaches_the_safety_flags_and_the_triage(
    client, engine, partner, document, seen
):
    assert _safety_seen(client, engine, partner, document) == seen


def test_a_weapon_in_an_eido_is_triaged_as_the_typed_body_s_weapon(client, engine, partner):
    typed = {"incident_tracking_id": "urn:x:1", "call_type_code": "MENTAL_HEALTH", "safety": {"weapon": True}}
    by_fields = client.post("/v1/contacts/911", json=typed, auth=partner).json()["triage"]
    by_eido = client.post(EIDO, json=KNIFE, auth=partner).json()["triage"]
    same = ("stage", "acuity", "recommended_response", "police_required", "reasons")
    assert {k: by_eido[k] for k in same} == {k: by_fields[k] for k in same}
