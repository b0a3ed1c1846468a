"""The same person twice at once: two first contacts of one new person arriving at the same moment end as one
person and one episode; a contact racing the episode's closure never lands on the closed episode.

Every test runs on SQLite and on PostgreSQL, many rounds, with two threads released together.
"""

from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1, ResponseResolvedV1
from continuum_kit.testing import at_once, outbox
from fastapi.testclient import TestClient

from .conftest import ADMIN, deliver

ROUNDS = 25
CLOSURE_ROUNDS = 50  # a contact and a closure overlap in fewer rounds than two contacts do
RECEIVED, OPENED = "continuum.contact.received.v1", "continuum.episode.opened.v1"
REOPENED, TRIAGED = "continuum.episode.reopened.v1", "continuum.episode.triaged.v1"


def caller(round_: int, shape: str) -> dict:
    """A person never seen before, known by a strong detail: a phone number, or a name and date of birth."""
    name, phone, born = f"Robin Madeup {round_:03d}", f"555-01{round_:02d}-{uuid4().int % 10000:04d}", "1990-03-14"
    return {"phone": phone} if shape == "phone" else {"name": name, "date_of_birth": born}


def _events_of(engine, episode_id: str) -> list[Envelope]:
    return [e for e in outbox(engine) if e.subject == episode_id]


@pytest.fixture
def two_partners(register):
    """988 and the peer warmline, each with its own partner account and channels."""
    crisis_line = register("county-988", channels=["crisis_line_call", "crisis_line_text"])
    warmline = register("peer-warmline", channels=["warmline_call", "warmline_text"])
    return crisis_line, warmline


def _first_contacts_at_once(clients, partners, person: dict, other: dict | None = None) -> list:
    """The crisis line and the warmline post a first contact at the same moment: of one person, or of two."""
    (crisis_client, warm_client), (crisis_line, warmline) = clients, partners
    crisis = {"medium": "call", "caller": person}
    warm = {"medium": "text", "caller": other or person}
    return at_once(
        lambda: crisis_client.post("/v1/contacts/crisis-line", json=crisis, auth=crisis_line),
        lambda: warm_client.post("/v1/contacts/warmline", json=warm, auth=warmline),
    )


@pytest.mark.parametrize("shape", ["phone", "name_and_birth_date"])
def test_two_partners_first_contacts_of_one_new_person_at_once_make_one_person_and_one_episode(
    client, engine, two_partners, row_counts, shape
):
    clients = (client, TestClient(client.app))
    for round_ in range(ROUNDS):
        before = row_counts()
        answers = _first_contacts_at_once(clients, two_partners, caller(round_, shape))
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        first, second = (a.json() for a in answers)
        assert first["episode_id"] == second["episode_id"] and first["person_id"] == second["person_id"]
        assert sorted([first["joined"], second["joined"]]) == [False, True]
        after = row_counts()
        assert after["intake_person"] == before["intake_person"] + 1
        assert after["intake_episode"] == before["intake_episode"] + 1
        assert after["intake_contact"] == before["intake_contact"] + 2
        assert after["intake_match_review"] == before["intake_match_review"]
        types = [e.type for e in _events_of(engine, first["episode_id"])]
        assert types.count(OPENED) == 1 and types.count(RECEIVED) == 2 and types.count(TRIAGED) == 2, types
        view = _episode(client, first["episode_id"])
        assert view["contacts"] == 2 and view["status"] == "open"
        assert {c["partner_id"] for c in view["contact_history"]} == {"county-988", "peer-warmline"}


def test_one_partner_retrying_without_a_key_at_once_makes_two_contacts_of_one_episode(client, partner, row_counts):
    """No Idempotency-Key, so these are two contacts; but they are one person's, on one episode."""
    clients = (client, TestClient(client.app))
    for round_ in range(ROUNDS):
        before = row_counts()
        answers = _first_contacts_at_once(clients, (partner, partner), caller(round_, "phone"))
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert len({a.json()["episode_id"] for a in answers}) == 1
        after = row_counts()
        assert after["intake_person"] == before["intake_person"] + 1
        assert after["intake_episode"] == before["intake_episode"] + 1


def _episode(client, episode_id: str) -> dict:
    view = client.get(f"/v1/episodes/{episode_id}", headers=ADMIN)
    assert view.status_code == 200, view.text
    return view.json()


def _resolved(episode_id: str):
    return ResponseResolvedV1(response_id=uuid4(), responder_id="m3", disposition="resolved_in_place"), episode_id


def _closed(episode_id: str):
    return EpisodeClosedV1(reason="plan_complete"), episode_id


def _in_post_crisis(client, engine, clock, partner, person: dict) -> dict:
    """A person's first contact, whose response was resolved: a new contact would reopen the episode."""
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": person}, auth=partner).json()
    deliver(engine, clock, *_resolved(first["episode_id"]))
    return first


def _contact_and_closure_at_once(client, engine, clock, partner, person: dict, episode_id: str):
    contact = {"medium": "call", "caller": person}
    answer, _ = at_once(
        lambda: client.post("/v1/contacts/crisis-line", json=contact, auth=partner),
        lambda: deliver(engine, clock, *_closed(episode_id)),
    )
    return answer


def test_a_contact_racing_the_closure_opens_a_new_episode_or_came_before_it_never_joins_after(
    client, engine, clock, partner
):
    for round_ in range(CLOSURE_ROUNDS):
        person = caller(round_, "phone")
        first = _in_post_crisis(client, engine, clock, partner, person)
        episode_id, seen = first["episode_id"], len(outbox(engine))
        answer = _contact_and_closure_at_once(client, engine, clock, partner, person, episode_id)
        assert answer.status_code == 201, answer.text
        accepted, closed = answer.json(), _episode(client, episode_id)
        assert (closed["status"], closed["stage"], closed["closure_reason"]) == ("closed", "closed", "plan_complete")
        events = outbox(engine)[seen:]
        assert {e.subject for e in events} == {accepted["episode_id"]}
        if accepted["episode_id"] == episode_id:  # the contact came first and reopened it; then it closed
            assert accepted["joined"] is True and [e.type for e in events] == [RECEIVED, REOPENED, TRIAGED]
            assert closed["contacts"] == 2
        else:  # the closure came first: the same person, a new episode
            assert accepted["person_id"] == first["person_id"] and accepted["joined"] is False
            assert [e.type for e in events] == [RECEIVED, OPENED, TRIAGED]
            assert closed["contacts"] == 1
            fresh = _episode(client, accepted["episode_id"])
            assert (fresh["status"], fresh["stage"], fresh["contacts"]) == ("open", "acute", 1)


def test_two_look_alikes_at_once_are_two_people_put_to_review_once(client, two_partners, row_counts):
    """The same name with another date of birth is weak: two people, and a supervisor reviews the pair, as when
    they come one after the other."""
    clients = (client, TestClient(client.app))
    for round_ in range(ROUNDS):
        name = f"Kim Lookalike {round_:03d}"
        before = row_counts()
        answers = _first_contacts_at_once(
            clients,
            two_partners,
            {"name": name, "date_of_birth": "1971-01-02"},
            {"name": name, "date_of_birth": "1984-05-06"},
        )
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert len({a.json()["person_id"] for a in answers}) == 2
        after = row_counts()
        assert after["intake_person"] == before["intake_person"] + 2
        assert after["intake_match_review"] == before["intake_match_review"] + 1


def _stage_and_closure_at_once(engine, clock, episode_id: str) -> None:
    at_once(
        lambda: deliver(engine, clock, *_resolved(episode_id)), lambda: deliver(engine, clock, *_closed(episode_id))
    )


def test_a_stage_racing_the_closure_never_restages_the_closed_episode(client, engine, clock, partner):
    for round_ in range(ROUNDS):
        body = {"site": "s", "caller": caller(round_, "phone")}
        episode_id = client.post("/v1/contacts/walk-in", json=body, auth=partner).json()["episode_id"]
        _stage_and_closure_at_once(engine, clock, episode_id)
        view = _episode(client, episode_id)
        assert (view["status"], view["stage"], view["closure_reason"]) == ("closed", "closed", "plan_complete")
