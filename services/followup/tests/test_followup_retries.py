"""A peer's retry never doubles an attempt or a family contact: the same Idempotency-Key gets the first answer."""

from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition
from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_followup.store import Attempt, Checkin, FamilyContact
from continuum_kit.testing import api_client, outbox, register_partner, unit_of_work
from sqlmodel import Session, func, select

EPISODE = uuid4()
FAMILY = {"consented": True, "relationship": "parent"}


@pytest.fixture
def settings():
    return FollowupSettings()


@pytest.fixture
def client(engine, clock, settings):
    """Followup's API as the peer team, with an open plan for ``EPISODE`` (a resolved response)."""
    client = api_client(api.router, engine, clock, settings)
    client.auth = register_partner(engine, settings.peer_pool_id)
    resolved = ResponseResolvedV1(
        response_id=uuid4(), responder_id="mobile-team-m3", disposition=Disposition.RESOLVED_IN_PLACE
    )
    envelope = Envelope.new(resolved, episode_id=EPISODE, source="/continuum/test", time=clock.now())
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        build_handlers(settings)[type(envelope.data)](uow, envelope)
        uow.commit()
    return client


def effects(engine) -> tuple[int, int, int, int]:
    """Attempts, check-ins, family contacts and outbox events."""
    with Session(engine) as session:
        counts = [session.exec(select(func.count()).select_from(t)).one() for t in (Attempt, Checkin, FamilyContact)]
    return (*counts, len(outbox(engine)))


def first_checkin(client) -> str:
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()["checkins"][0]["followup_id"]


def attempt(client, followup_id, key, **body):
    body = {"reached": False, **body}
    return client.post(f"/v1/followups/{followup_id}/attempts", json=body, headers={"Idempotency-Key": key})


def family(client, key, body=FAMILY):
    return client.post(f"/v1/episodes/{EPISODE}/family-contacts", json=body, headers={"Idempotency-Key": key})


def test_a_retried_attempt_returns_the_first_answer_and_counts_once(engine, client):
    followup_id = first_checkin(client)
    first = attempt(client, followup_id, "attempt-1f")
    assert first.status_code == 201, first.text
    after_first = effects(engine)
    again = attempt(client, followup_id, "attempt-1f")
    assert (again.status_code, again.json()) == (200, first.json())
    assert effects(engine) == after_first
    fresh = attempt(client, followup_id, "attempt-2f")
    assert fresh.status_code == 201 and fresh.json()["attempt_id"] != first.json()["attempt_id"]
    assert [e.data.attempts for e in outbox(engine) if e.type == "continuum.followup.attempted.v1"] == [1, 2]


def test_a_key_reused_for_a_different_attempt_is_refused_naming_the_header(engine, client):
    followup_id = first_checkin(client)
    assert attempt(client, followup_id, "reused-key").status_code == 201
    before = effects(engine)
    refused = attempt(client, followup_id, "reused-key", reached=True)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"] and "different request" in error["msg"]
    assert effects(engine) == before


def test_a_malformed_key_is_refused_naming_the_header_and_changes_nothing(engine, client):
    followup_id = first_checkin(client)
    before = effects(engine)
    for answer in (attempt(client, followup_id, "has spaces"), family(client, "k" * 129)):
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert effects(engine) == before


def test_a_retried_family_contact_returns_the_first_answer_and_adds_one_checkin(engine, client):
    first = family(client, "family-7")
    assert first.status_code == 201, first.text
    after_first = effects(engine)
    again = family(client, "family-7")
    assert (again.status_code, again.json()) == (200, first.json())
    assert effects(engine) == after_first
    recipients = [c["recipient"] for c in client.get(f"/v1/episodes/{EPISODE}/followups").json()["checkins"]]
    assert recipients.count("family") == 1


def test_a_key_reused_for_a_different_family_contact_is_refused_naming_the_header(engine, client):
    assert family(client, "family-8").status_code == 201
    before = effects(engine)
    refused = family(client, "family-8", {**FAMILY, "relationship": "sibling"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert effects(engine) == before


def test_openapi_documents_the_retry_answer_and_the_key(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/followups/{followup_id}/attempts", "/v1/episodes/{episode_id}/family-contacts"):
        operation = paths[path]["post"]
        assert {"200", "201", "422"} <= set(operation["responses"])
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}
