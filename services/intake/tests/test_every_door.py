"""Every route of intake, tried from outside: no credential is 401, a signed-in caller outside the route's
scope is 403 and changes nothing, the right caller is let in; and each scope lets each caller see its own."""

from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts.events import EpisodeClosedV1
from continuum_kit.doors import OPEN_ROUTES, Door, basic, check_every_door

from .conftest import ADMIN, ALL_CHANNELS, CONTACT_SUBMITTED, PLAN_RECORDED, deliver
from .test_eido import NENA_SAMPLE

CONSENT_RECORDED = "continuum.consent.recorded"
DISCLOSURE_REQUEST = "continuum.disclosure.request"
HOUSING = "coordinated-entry"
CALLER = {"name": "Jordan Madeup", "phone": "555-0177", "date_of_birth": "1988-03-09"}
PLAN = {"peer_preferred": True, "language": "es", "helps": ["quiet_space"]}
OPEN = OPEN_ROUTES | {  # Open311 discovery: the county's public catalogue of 311 services, as the spec has it
    ("GET", "/open311/v2/services.json"),
    ("GET", "/open311/v2/services/{service_code}.json"),
    ("GET", "/open311/v2/services.xml"),  # the same answers in the spec's XML
    ("GET", "/open311/v2/services/{service_code}.xml"),
    ("GET", "/fhir/metadata"),  # a FHIR server's CapabilityStatement is public
}


@pytest.fixture
def crisis_line(register) -> dict:
    """The crisis line: every channel, CloudEvents, consents and crisis plans."""
    events = [CONTACT_SUBMITTED, CONSENT_RECORDED, PLAN_RECORDED]
    return basic(*register("988-center", channels=ALL_CHANNELS, event_types=events))


@pytest.fixture
def stranger(register) -> dict:
    """Registered for consents and crisis plans, but for no channel, and party to nothing yet."""
    return basic(*register("peer-run-org", channels=[], event_types=[CONSENT_RECORDED, PLAN_RECORDED]))


@pytest.fixture
def handoff(register) -> dict:
    return basic(*register("handoff", channels=[], event_types=[DISCLOSURE_REQUEST]))


def _consent_body(clock, **overrides) -> dict:
    expires = (clock.now() + timedelta(days=30)).isoformat()
    body = {"scope": ["identity"], "recipients": [HOUSING], "purpose": "housing_assistance", "expires_at": expires}
    return body | overrides


def _fhir_consent(clock, episode: str) -> dict:
    coded = {
        "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}]}
    }
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
            "actor": [coded | {"reference": {"identifier": {"system": "urn:continuum:partner", "value": HOUSING}}}],
            "class": [{"system": "urn:continuum:data-category", "code": "identity"}],
            "purpose": [{"system": "urn:continuum:disclosure-purpose", "code": "housing_assistance"}],
        },
    }


def _ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


def _consent(client, clock, episode: str, headers: dict, **overrides) -> dict:
    url = f"/v1/episodes/{episode}/consents"
    return _ok(client.post(url, json=_consent_body(clock, **overrides), headers=headers), 201)


def _call(medium: str = "call") -> dict:
    return {"medium": medium, "caller": CALLER}


def test_every_door_of_intake_holds(client, clock, crisis_line, stranger, handoff):
    opened = _ok(client.post("/v1/contacts/crisis-line", json=_call(), headers=crisis_line), 201)
    episode, person = opened["episode_id"], opened["person_id"]
    _ok(client.put(f"/v1/people/{person}/crisis-plan", json=PLAN, headers=crisis_line))
    _consent(client, clock, episode, crisis_line)  # the disclosure below is released under it
    to_revoke = _consent(client, clock, episode, crisis_line, recipients=["peer-respite-east"])["consent_id"]
    on_episode = {"episode_id": episode}
    event = {"specversion": "1.0", "type": CONTACT_SUBMITTED, "source": "/cad", "id": "e-1"}
    contact = {"right": crisis_line, "outsider": stranger, "accepted": 201}
    scoped = {"right": crisis_line, "outsider": stranger}
    county_it = {"right": ADMIN, "outsider": crisis_line}
    doors = {
        ("POST", "/v1/contacts"): Door(body={"channel": "crisis_line_chat"}, **contact),
        ("POST", "/v1/contacts/crisis-line"): Door(body=_call("text"), **contact),
        ("POST", "/v1/contacts/warmline"): Door(body={"medium": "chat"}, **contact),
        ("POST", "/v1/contacts/911"): Door(
            body={"incident_tracking_id": "I-1", "call_type_code": "MENTAL_HEALTH"}, **contact
        ),
        ("POST", "/v1/contacts/911/eido"): Door(body=NENA_SAMPLE, **contact),
        ("POST", "/v1/contacts/311"): Door(
            body={"service_request_id": "SR-1", "service_code": "HOMELESS_CONCERN"}, **contact
        ),
        ("POST", "/v1/contacts/police-referral"): Door(body={"officer_agency": "cpd"}, **contact),
        ("POST", "/v1/contacts/emergency-department"): Door(body={"facility": "st-elm"}, **contact),
        ("POST", "/v1/contacts/street-outreach"): Door(body={}, **contact),
        ("POST", "/v1/contacts/walk-in"): Door(body={"site": "east"}, **contact),
        ("POST", "/v1/events"): Door(body=event | {"data": {"channel": "walk_in"}}, **contact),
        ("PUT", "/v1/people/{person_id}/crisis-plan"): Door(path={"person_id": person}, body=PLAN, **scoped),
        ("GET", "/v1/people/{person_id}/crisis-plan"): Door(path={"person_id": person}, **scoped),
        ("POST", "/v1/episodes/{episode_id}/consents"): Door(
            path=on_episode, body=_consent_body(clock), accepted=201, **scoped
        ),
        ("GET", "/v1/episodes/{episode_id}/consents"): Door(path=on_episode, **scoped),
        ("POST", "/v1/consents/{consent_id}/revoke"): Door(path={"consent_id": to_revoke}, **scoped),
        ("POST", "/v1/disclosures"): Door(
            handoff,
            crisis_line,
            body={
                "episode_id": episode,
                "recipient": HOUSING,
                "purpose": "housing_assistance",
                "categories": ["identity"],
            },
        ),
        ("GET", "/v1/episodes/{episode_id}/disclosures"): Door(path=on_episode, **county_it),
        ("GET", "/v1/admin/partners"): Door(**county_it),
        ("POST", "/v1/admin/partners"): Door(
            body={"partner_id": "county-311", "secret": "county-311-secret-0123456789"}, accepted=201, **county_it
        ),
        ("GET", "/v1/reviews"): Door(**county_it),
        ("GET", "/v1/episodes/{episode_id}"): Door(path=on_episode, **scoped),
        ("GET", "/fhir/Consent/{consent_id}"): Door(path={"consent_id": to_revoke}, **scoped),
        ("GET", "/fhir/Consent"): Door(crisis_line, handoff, params={"patient": f"Patient/{person}"}),
        ("POST", "/fhir/Consent"): Door(crisis_line, handoff, body=_fhir_consent(clock, episode), accepted=201),
    }
    assert check_every_door(client, doors, open_routes=OPEN) == []


def test_a_partner_sees_an_episode_it_is_party_to_with_its_own_contacts_and_county_it_sees_all(
    client, register, crisis_line, stranger, row_counts
):
    opened = _ok(client.post("/v1/contacts/crisis-line", json=_call(), headers=crisis_line), 201)
    cad = basic(*register("county-911", channels=["911_transfer"]))
    transfer = {"incident_tracking_id": "I-7", "call_type_code": "MENTAL_HEALTH", "caller": CALLER}
    joined = _ok(client.post("/v1/contacts/911", json=transfer, headers=cad), 201)
    url = f"/v1/episodes/{opened['episode_id']}"
    assert joined["episode_id"] == opened["episode_id"]
    before = row_counts()
    refused = client.get(url, headers=stranger)
    assert refused.status_code == 403
    assert "'peer-run-org' is not party to episode" in refused.json()["detail"]
    assert row_counts() == before
    assert client.get(f"/v1/episodes/{uuid4()}", headers=stranger).status_code == 404
    by_line, by_cad, whole = (_ok(client.get(url, headers=h)) for h in (crisis_line, cad, ADMIN))
    assert [c["channel"] for c in by_line["contact_history"]] == ["crisis_line_call"] and by_line["contacts"] == 1
    assert [c["partner_id"] for c in by_cad["contact_history"]] == ["county-911"]
    assert [c["channel"] for c in whole["contact_history"]] == ["crisis_line_call", "911_transfer"]
    assert whole["contacts"] == 2 and by_cad["stage"] == whole["stage"]


def test_consents_are_seen_and_revoked_only_by_parties_to_the_episode_they_were_recorded_on(
    client, engine, clock, register, crisis_line, stranger
):
    first = _ok(client.post("/v1/contacts/crisis-line", json=_call(), headers=crisis_line), 201)
    earlier = _consent(client, clock, first["episode_id"], crisis_line)
    deliver(engine, clock, EpisodeClosedV1(reason="plan_complete"), first["episode_id"])
    outreach = basic(*register("outreach-team", channels=["street_outreach"], event_types=[CONSENT_RECORDED]))
    met = _ok(client.post("/v1/contacts/street-outreach", json={"caller": CALLER}, headers=outreach), 201)
    assert met["person_id"] == first["person_id"] and met["episode_id"] != first["episode_id"]
    later = _consent(client, clock, met["episode_id"], outreach, recipients=["peer-respite-east"])
    on_first, on_later = (f"/v1/episodes/{e}/consents" for e in (first["episode_id"], met["episode_id"]))

    before = _ok(client.get(on_first, headers=ADMIN))
    for refused in (
        client.post(on_first, json=_consent_body(clock), headers=stranger),
        client.get(on_first, headers=stranger),
        client.post(f"/v1/consents/{earlier['consent_id']}/revoke", headers=stranger),
        client.post(f"/v1/consents/{earlier['consent_id']}/revoke", headers=outreach),
        client.get(on_first, headers=outreach),
    ):
        assert refused.status_code == 403 and "is not party to episode" in refused.json()["detail"], refused.text
    assert _ok(client.get(on_first, headers=ADMIN)) == before
    assert [c["status"] for c in before] == ["active", "active"]

    def ids(url: str, headers: dict) -> list[str]:
        return [c["consent_id"] for c in _ok(client.get(url, headers=headers))]

    assert ids(on_later, outreach) == [later["consent_id"]]
    assert ids(on_first, crisis_line) == [earlier["consent_id"]]
    assert ids(on_later, ADMIN) == [earlier["consent_id"], later["consent_id"]]
    revoked = _ok(client.post(f"/v1/consents/{earlier['consent_id']}/revoke", headers=crisis_line))
    assert (revoked["status"], revoked["revoked_by"]) == ("revoked", "988-center")
    assert client.post(f"/v1/consents/{uuid4()}/revoke", headers=stranger).status_code == 404


def test_a_crisis_plan_is_read_and_replaced_by_its_recorder_or_a_party_to_the_persons_episodes(
    client, register, crisis_line, stranger
):
    person = _ok(client.post("/v1/contacts/crisis-line", json=_call(), headers=crisis_line), 201)["person_id"]
    url = f"/v1/people/{person}/crisis-plan"
    assert _ok(client.put(url, json=PLAN, headers=stranger))["recorded_by"] == "peer-run-org"  # the first plan
    assert _ok(client.get(url, headers=stranger))["language"] == "es"
    assert _ok(client.get(url, headers=crisis_line))["recorded_by"] == "peer-run-org"
    other = basic(*register("another-peer-org", channels=[], event_types=[PLAN_RECORDED]))
    for refused in (client.get(url, headers=other), client.put(url, json={**PLAN, "language": "fr"}, headers=other)):
        assert refused.status_code == 403 and "'another-peer-org' did not record" in refused.json()["detail"]
    assert _ok(client.get(url, headers=ADMIN)) == _ok(client.get(url, headers=stranger))
    assert _ok(client.put(url, json={**PLAN, "language": "fr"}, headers=crisis_line))["recorded_by"] == "988-center"
    assert _ok(client.get(url, headers=ADMIN))["language"] == "fr"
    assert client.get(f"/v1/people/{uuid4()}/crisis-plan", headers=other).status_code == 404


def test_a_partner_on_a_county_it_route_is_told_it_is_not_county_it_and_nothing_is_registered(
    client, crisis_line, row_counts
):
    before = row_counts()
    body = {"partner_id": "county-311", "secret": "county-311-secret-0123456789"}
    for refused in (
        client.post("/v1/admin/partners", json=body, headers=crisis_line),
        client.get("/v1/reviews", headers=crisis_line),
    ):
        assert refused.status_code == 403 and "county IT only" in refused.json()["detail"]
    assert row_counts() == before
    wrong = basic("988-center", "not-the-secret-of-the-crisis-line")
    assert client.get("/v1/admin/partners", headers=wrong).status_code == 401


def test_no_partner_may_be_registered_as_county_it(client, row_counts):
    """What county IT records is recorded as "admin": a partner of that name would be party to all of it."""
    before = row_counts()
    body = {"partner_id": "admin", "secret": "admin-partner-secret-0123456789"}
    as_county_it = client.post("/v1/admin/partners", json=body, headers=ADMIN)
    assert as_county_it.status_code == 422 and as_county_it.json()["detail"][0]["loc"] == ["body", "partner_id"]
    assert row_counts() == before
