"""Consent under HIPAA and 42 CFR Part 2, and disclosures under it: only what the person agreed to, to whom,
for what and until when; substance-use information only under a Part 2 consent; every answer audited."""

from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose
from continuum_intake.consent_rules import Request, decide
from continuum_intake.store import Consent
from continuum_kit.testing import outbox

CONSENT_RECORDED = "continuum.consent.recorded"
DISCLOSURE_REQUEST = "continuum.disclosure.request"
HOUSING = "coordinated-entry"
CALLER = {"name": "Robin Example", "phone": "555-010-4400", "date_of_birth": "1990-02-03", "address": "1 Elm Ct"}


@pytest.fixture
def recorder(register):
    """The crisis line, registered to record consents as well as contacts."""
    return register("988-center", event_types=["continuum.contact.submitted.v1", CONSENT_RECORDED])


@pytest.fixture
def handoff(register):
    """Handoff's own account at intake: it asks for disclosures on behalf of receiving partners."""
    return register("handoff", channels=[], event_types=[DISCLOSURE_REQUEST])


@pytest.fixture
def episode(client, recorder):
    """A substance-use contact and a later housing contact on one episode, each with a note."""
    first = {
        "medium": "call",
        "caller": CALLER,
        "needs": ["substance_use", "housing"],
        "note": "uses daily, wants detox",
    }
    opened = client.post("/v1/contacts/crisis-line", json=first, auth=recorder).json()
    second = {"medium": "text", "caller": CALLER, "needs": ["housing"], "note": "sleeping in car"}
    again = client.post("/v1/contacts/crisis-line", json=second, auth=recorder).json()
    assert again["episode_id"] == opened["episode_id"]
    return opened["episode_id"]


def consent(client, clock, episode, auth, **overrides):
    body = {
        "scope": ["identity", "needs", "notes"],
        "recipients": [HOUSING],
        "purpose": "housing_assistance",
        "expires_at": (clock.now() + timedelta(days=90)).isoformat(),
    } | overrides
    return client.post(f"/v1/episodes/{episode}/consents", json=body, auth=auth)


def disclose(client, episode, auth, categories, recipient=HOUSING, **extra):
    body = {
        "episode_id": episode,
        "recipient": recipient,
        "recipient_category": "housing",
        "purpose": "housing_assistance",
        "categories": categories,
    } | extra
    return client.post("/v1/disclosures", json=body, auth=auth)


def test_a_hipaa_consent_releases_its_scope_and_never_substance_use(client, clock, episode, recorder, handoff):
    recorded = consent(client, clock, episode, recorder)
    assert recorded.status_code == 201 and recorded.json()["status"] == "active"
    answer = disclose(client, episode, handoff, ["identity", "needs", "notes", "substance_use", "contact_details"])
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    released = answer.json()["released"]
    assert released["identity"] == {"name": "Robin Example", "date_of_birth": "1990-02-03"}
    assert released["needs"] == ["housing"]
    assert [n["note"] for n in released["notes"]] == ["sleeping in car"]
    assert "substance_use" not in released and "contact_details" not in released
    assert "uses daily" not in answer.text
    withheld = {w["category"]: w["reason"] for w in answer.json()["withheld"]}
    assert set(withheld) == {"substance_use", "contact_details"}
    assert "42 CFR Part 2" in withheld["substance_use"]
    assert answer.json()["redisclosure_notice"] is None
    [carried] = answer.json()["consents"]
    assert carried["scope"] == ["identity", "needs", "notes"] and carried["part2"] is False


def test_a_part2_consent_releases_substance_use_with_its_scope_and_the_redisclosure_notice(
    client, clock, episode, recorder, handoff
):
    part2 = consent(client, clock, episode, recorder, scope=["substance_use"], part2=True).json()
    answer = disclose(client, episode, handoff, ["substance_use"])
    assert answer.status_code == 200
    released = answer.json()["released"]["substance_use"]
    assert released["substance_use_need"] is True
    assert [n["note"] for n in released["notes"]] == ["uses daily, wants detox"]
    assert answer.json()["consents"] == [
        {
            "consent_id": part2["consent_id"],
            "scope": ["substance_use"],
            "recipients": [HOUSING],
            "recipient_categories": [],
            "purpose": "housing_assistance",
            "part2": True,
            "expires_at": part2["expires_at"].replace("Z", "+00:00"),
        }
    ]
    assert "42 CFR part 2" in answer.json()["redisclosure_notice"]


def test_after_revocation_nothing_more_is_released_and_the_refusal_names_the_missing_consent(
    client, clock, episode, recorder, handoff, admin
):
    given = consent(client, clock, episode, recorder).json()
    assert disclose(client, episode, handoff, ["identity"]).status_code == 200
    revoked = client.post(f"/v1/consents/{given['consent_id']}/revoke", auth=recorder)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert client.post(f"/v1/consents/{given['consent_id']}/revoke", auth=recorder).status_code == 200
    refused = disclose(client, episode, handoff, ["identity"])
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert detail["missing_consent"] == {
        "categories": ["identity"],
        "recipient": HOUSING,
        "recipient_category": "housing",
        "purpose": "housing_assistance",
        "part2_required": False,
    }
    assert "revoked" in detail["withheld"][0]["reason"]
    assert "Robin" not in refused.text
    audit = client.get(f"/v1/episodes/{episode}/disclosures", headers=admin).json()
    assert [(a["outcome"], a["released"], a["requested_by"]) for a in audit] == [
        ("released", ["identity"], "handoff"),
        ("refused", [], "handoff"),
    ]
    assert audit[0]["consent_ids"] == [given["consent_id"]] and audit[1]["consent_ids"] == []
    types = [e.type for e in outbox_of(client)]
    assert types.count("continuum.consent.revoked.v1") == 1, "a repeated revocation publishes nothing"


def outbox_of(client):
    return outbox(client.app.state.runtime.engine)


def test_consent_covers_only_the_named_recipient_purpose_and_time(client, clock, episode, recorder, handoff):
    consent(client, clock, episode, recorder, expires_at=(clock.now() + timedelta(days=1)).isoformat())
    assert disclose(client, episode, handoff, ["identity"], recipient="other-shelter").status_code == 403
    assert disclose(client, episode, handoff, ["identity"], purpose="treatment").status_code == 403
    assert disclose(client, episode, handoff, ["identity"]).status_code == 200
    clock.advance(timedelta(days=2))
    expired = disclose(client, episode, handoff, ["identity"])
    assert expired.status_code == 403 and "expired" in expired.json()["detail"]["withheld"][0]["reason"]


def test_a_consent_may_name_a_kind_of_recipient(client, clock, episode, recorder, handoff):
    consent(client, clock, episode, recorder, recipients=[], recipient_categories=["housing"])
    assert disclose(client, episode, handoff, ["identity"], recipient="any-housing-partner").status_code == 200
    other_kind = disclose(client, episode, handoff, ["identity"], recipient_category="peer_respite")
    assert other_kind.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"scope": ["substance_use"], "part2": False}, "part2", "Part 2"),
        ({"recipients": []}, "recipients", "recipient"),
        ({"expires_at": "2025-01-01T00:00:00Z"}, "expires_at", "future"),
        ({"scope": ["everything"]}, "scope", ""),
        ({"purpose": "marketing"}, "purpose", ""),
        ({"expires_at": "2027-01-01T00:00:00"}, "expires_at", ""),
    ],
)
def test_a_bad_consent_is_refused_naming_the_field(
    client, clock, episode, recorder, row_counts, overrides, field, words
):
    before = row_counts()
    refused = consent(client, clock, episode, recorder, **overrides)
    assert refused.status_code == 422
    [error] = [e for e in refused.json()["detail"] if e["loc"][:2] == ["body", field]]
    assert words in error["msg"]
    assert row_counts() == before


def test_only_registered_parties_record_consents_or_ask_for_disclosures(client, clock, episode, register, handoff):
    contact_only = register("county-311")
    assert consent(client, clock, episode, contact_only).status_code == 403
    assert consent(client, clock, episode, None).status_code == 401
    assert disclose(client, episode, contact_only, ["identity"]).status_code == 403
    assert disclose(client, episode, None, ["identity"]).status_code == 401
    audit_for_handoff = client.get(f"/v1/episodes/{episode}/disclosures", auth=handoff)
    assert audit_for_handoff.status_code == 403 and "county IT only" in audit_for_handoff.json()["detail"]


def test_a_retried_consent_is_recorded_once(client, clock, episode, recorder):
    body = {
        "scope": ["identity"],
        "recipients": [HOUSING],
        "purpose": "housing_assistance",
        "expires_at": (clock.now() + timedelta(days=30)).isoformat(),
    }
    key = {"Idempotency-Key": "consent-form-118"}
    first = client.post(f"/v1/episodes/{episode}/consents", json=body, auth=recorder, headers=key)
    again = client.post(f"/v1/episodes/{episode}/consents", json=body, auth=recorder, headers=key)
    assert (first.status_code, again.status_code) == (201, 200) and again.json() == first.json()
    listed = client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json()
    assert [c["consent_id"] for c in listed] == [first.json()["consent_id"]]
    recorded = [e for e in outbox_of(client) if e.type == "continuum.consent.recorded.v1"]
    assert len(recorded) == 1


def test_consent_changes_are_events_without_phi(client, clock, episode, recorder):
    given = consent(client, clock, episode, recorder, scope=["identity", "substance_use"], part2=True).json()
    client.post(f"/v1/consents/{given['consent_id']}/revoke", auth=recorder)
    events = [e for e in outbox_of(client) if e.type.startswith("continuum.consent.")]
    assert [e.type for e in events] == ["continuum.consent.recorded.v1", "continuum.consent.revoked.v1"]
    recorded = events[0].data
    assert recorded.scope == ["identity", "substance_use"] and recorded.part2 is True
    assert recorded.recipients == [HOUSING] and str(recorded.consent_id) == given["consent_id"]
    serialized = " ".join(e.data.model_dump_json() for e in events)
    for phi in ("Robin", "555-010-4400", "5550104400", "1990-02-03", "Elm", "detox", "car"):
        assert phi not in serialized


def test_each_disclosure_is_an_event_naming_categories_not_data(client, clock, episode, recorder, handoff):
    consent(client, clock, episode, recorder)
    disclose(client, episode, handoff, ["identity", "substance_use"])
    [event] = [e for e in outbox_of(client) if e.type == "continuum.disclosure.recorded.v1"]
    assert (event.data.released, event.data.withheld, event.data.outcome) == (
        ["identity"],
        ["substance_use"],
        "released",
    )
    assert "Robin" not in event.data.model_dump_json()


def test_substance_use_needs_a_part2_consent_even_if_a_plain_one_lists_it(clock):
    """Defence in depth: the API refuses such a consent, and the rule refuses it again."""
    plain = Consent(
        person_id=uuid4(),
        episode_id=uuid4(),
        scope=["identity", "substance_use"],
        recipients=[HOUSING],
        purpose="housing_assistance",
        part2=False,
        expires_at=clock.now() + timedelta(days=1),
        recorded_by="admin",
        recorded_at=clock.now(),
    )
    request = Request(HOUSING, None, DisclosurePurpose.HOUSING_ASSISTANCE, (DataCategory.SUBSTANCE_USE,))
    decision = decide(request, [plain], clock.now())
    assert decision.covered == {} and "Part 2" in decision.withheld[DataCategory.SUBSTANCE_USE]
    assert decide(request, [plain.model_copy(update={"part2": True})], clock.now()).covered
