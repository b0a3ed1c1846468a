"""Every route of followup is guarded, and each guard holds from outside: no credential is 401, a partner outside
the scope 403 (and nothing changes), the right caller is let in. County IT reads any episode's plan and check-ins;
a partner reads those of the episodes it may speak for (their peer team, or a partner registered for follow-up)."""

from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition
from continuum_followup import api
from continuum_followup.app import create_app
from continuum_followup.config import FollowupSettings
from continuum_kit.doors import Door, basic, bearer, check_every_door
from continuum_kit.partners import partner_admin_router
from continuum_kit.testing import api_client, outbox, register_partner
from fastapi import APIRouter
from pydantic import SecretStr

from .conftest import deliver_to

TOKEN = "followup-doors-admin-token-0123456789"
COUNTY_IT = bearer(TOKEN)
EPISODE, DECLINING = uuid4(), uuid4()
FAMILY = {"consented": True, "relationship": "parent"}


@pytest.fixture
def settings():
    return FollowupSettings(followup_partners=["988-center"], admin_token=SecretStr(TOKEN))


@pytest.fixture
def county(engine, clock, settings):
    """Followup's whole API on a real database, two episodes in follow-up (resolved in place) and its partners."""
    router = APIRouter()
    router.include_router(api.router)
    router.include_router(partner_admin_router())
    client = api_client(router, engine, clock, settings)
    for episode in (EPISODE, DECLINING):
        resolved = ResponseResolvedV1(
            response_id=uuid4(), responder_id="mobile-team-m1", disposition=Disposition.RESOLVED_IN_PLACE
        )
        deliver_to(episode, engine, clock, settings, resolved)
    partners = {p: basic(*register_partner(engine, p)) for p in (settings.peer_pool_id, "988-center", "county-311")}
    return client, partners


def _plan(client, episode=EPISODE) -> dict:
    return client.get(f"/v1/episodes/{episode}/followups", headers=COUNTY_IT).json()


def test_the_door_test_covers_every_route_of_the_service(county, settings, tmp_path):
    client, _ = county
    service = create_app(settings.model_copy(update={"data_dir": tmp_path}))
    assert client.app.openapi()["paths"].keys() == service.openapi()["paths"].keys() - {"/health"}


def test_every_door_holds(county):
    client, partners = county
    peers, crisis_line, stranger = partners["peer-followup-team"], partners["988-center"], partners["county-311"]
    first = _plan(client)["checkins"][0]["followup_id"]
    checkin, episode, declining = {"followup_id": first}, {"episode_id": str(EPISODE)}, {"episode_id": str(DECLINING)}
    new_partner = {"partner_id": "peer-team-north", "secret": "peer-team-north-secret-0123456789"}
    doors = {
        ("POST", "/v1/followups/{followup_id}/attempts"): Door(
            peers, crisis_line, path=checkin, body={"reached": False}, accepted=201
        ),
        ("GET", "/v1/followups/{followup_id}"): Door(COUNTY_IT, stranger, path=checkin),
        ("POST", "/v1/episodes/{episode_id}/family-contacts"): Door(
            crisis_line, stranger, path=episode, body=FAMILY, accepted=201
        ),
        ("POST", "/v1/episodes/{episode_id}/decline"): Door(peers, stranger, path=declining, body={}),
        ("GET", "/v1/episodes/{episode_id}/followups"): Door(COUNTY_IT, stranger, path=episode),
        ("GET", "/v1/admin/partners"): Door(COUNTY_IT, peers),
        ("POST", "/v1/admin/partners"): Door(COUNTY_IT, peers, body=new_partner, accepted=201),
    }
    assert check_every_door(client, doors) == []


def test_a_partner_reads_the_plan_only_of_an_episode_it_speaks_for(county, engine):
    client, partners = county
    url = f"/v1/episodes/{EPISODE}/followups"
    before, published = _plan(client), len(outbox(engine))
    refused = client.get(url, headers=partners["county-311"])
    assert refused.status_code == 403
    assert "county-311 is neither the peer team" in refused.json()["detail"]["message"]
    assert refused.json()["detail"]["allowed"] == ["988-center", "peer-followup-team"]
    for reader in (partners["peer-followup-team"], partners["988-center"], COUNTY_IT):
        assert client.get(url, headers=reader).json() == before
    assert before["episode_id"] == str(EPISODE) and len(before["checkins"]) == 2
    assert _plan(client) == before and len(outbox(engine)) == published


def test_an_outsider_learns_nothing_of_an_episode_followup_does_not_know(county):
    client, partners = county
    url = f"/v1/episodes/{uuid4()}/followups"
    assert client.get(url, headers=partners["county-311"]).status_code == 403
    assert client.get(url, headers=partners["peer-followup-team"]).status_code == 404
    assert client.get(url, headers=COUNTY_IT).status_code == 404


def test_a_checkin_is_read_by_county_it_its_peer_team_and_a_registered_partner_only(county, engine):
    client, partners = county
    first = _plan(client)["checkins"][0]
    url = f"/v1/followups/{first['followup_id']}"
    published = len(outbox(engine))
    refused = client.get(url, headers=partners["county-311"])
    assert refused.status_code == 403 and refused.json()["detail"]["allowed"] == ["988-center", "peer-followup-team"]
    for reader in (partners["peer-followup-team"], partners["988-center"], COUNTY_IT):
        assert client.get(url, headers=reader).json() == first
    assert client.get(f"/v1/followups/{uuid4()}", headers=partners["county-311"]).status_code == 404
    assert client.get(url, headers=bearer("not-the-admin-token-0123456789")).status_code == 401
    assert _plan(client)["checkins"][0] == first and len(outbox(engine)) == published


def test_an_outsider_is_refused_before_its_body_is_read_and_nothing_changes(county, engine):
    client, partners = county
    stranger, crisis_line = partners["county-311"], partners["988-center"]
    first = _plan(client)["checkins"][0]["followup_id"]
    before, published = _plan(client), len(outbox(engine))
    post = partial(client.post, json={"not": "a valid body"})
    assert post(f"/v1/followups/{first}/attempts", headers=crisis_line).status_code == 403
    assert post(f"/v1/episodes/{EPISODE}/family-contacts", headers=stranger).status_code == 403
    assert post(f"/v1/episodes/{EPISODE}/decline", headers=stranger).status_code == 403
    assert post(f"/v1/followups/{first}/attempts", headers=partners["peer-followup-team"]).status_code == 422
    assert _plan(client) == before and len(outbox(engine)) == published
