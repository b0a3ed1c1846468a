"""Only the episode's peer team, or a partner the county registered for follow-up, may record a person's refusal
or a family contact: any other registered partner gets 403 and nothing changes (no event, the plan as it was)."""

from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition
from continuum_followup.config import FollowupSettings
from continuum_kit.testing import outbox, register_partner

from .conftest import deliver_to

EPISODE = uuid4()
deliver = partial(deliver_to, EPISODE)
FAMILY = {"consented": True, "relationship": "parent"}


@pytest.fixture
def settings():
    return FollowupSettings(followup_partners=["988-center"])


@pytest.fixture
def in_follow_up(engine, clock, settings, client):
    resolved = ResponseResolvedV1(response_id=uuid4(), responder_id="mt-1", disposition=Disposition.RESOLVED_IN_PLACE)
    deliver(engine, clock, settings, resolved)
    return client


def _plan(client) -> dict:
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def test_another_partner_cannot_decline_for_the_person_or_add_a_family_contact(in_follow_up, engine):
    stranger = register_partner(engine, "county-311")
    before, published = _plan(in_follow_up), len(outbox(engine))
    declined = in_follow_up.post(f"/v1/episodes/{EPISODE}/decline", json={}, auth=stranger)
    family = in_follow_up.post(f"/v1/episodes/{EPISODE}/family-contacts", json=FAMILY, auth=stranger)
    assert (declined.status_code, family.status_code) == (403, 403)
    assert declined.json()["detail"]["allowed"] == ["988-center", "peer-followup-team"]
    assert _plan(in_follow_up) == before and len(outbox(engine)) == published


def test_a_stranger_learns_nothing_of_an_episode_followup_does_not_know(in_follow_up, engine):
    stranger = register_partner(engine, "county-311")
    unknown = uuid4()
    assert in_follow_up.post(f"/v1/episodes/{unknown}/decline", json={}, auth=stranger).status_code == 403
    assert in_follow_up.post(f"/v1/episodes/{unknown}/decline", json={}).status_code == 404  # the peer team


def test_the_peer_team_and_a_registered_partner_are_heard(in_follow_up, engine):
    crisis_line = register_partner(engine, "988-center")
    family = in_follow_up.post(f"/v1/episodes/{EPISODE}/family-contacts", json=FAMILY)
    assert family.status_code == 201
    declined = in_follow_up.post(f"/v1/episodes/{EPISODE}/decline", json={}, auth=crisis_line)
    assert declined.status_code == 200 and declined.json()["plan_status"] == "closed"


def test_without_credentials_the_answer_is_401(in_follow_up):
    assert in_follow_up.post(f"/v1/episodes/{EPISODE}/decline", json={}, auth=None).status_code == 401
