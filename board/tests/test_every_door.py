"""Every route of the board, tried from outside: no credential is 401, an operator's session on county IT's
operator accounts is 403 and changes nothing, and the right caller gets in. Only sign-in and sign-out are open."""

import asyncio
import time
import uuid

import pytest
from continuum_board.app import create_app
from continuum_board.config import BoardSettings
from continuum_board.deps import COOKIE
from continuum_board.testing import ADMIN, ADMIN_TOKEN, DISPATCH, PASSWORD, Topic, at, contact, triaged
from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Channel, ResponseType
from continuum_kit.doors import OPEN_ROUTES, Door, check_every_door
from continuum_kit.testing import migrated_engine
from fastapi.testclient import TestClient

OPEN = OPEN_ROUTES | {
    ("POST", "/v1/session"),  # the sign-in itself: the door every operator comes through
    ("DELETE", "/v1/session"),  # sign-out: the cookie it ends is its only credential; without one it ends nothing
}


def create_operator(client: TestClient, username: str) -> None:
    created = client.post("/v1/admin/operators", json={"username": username, "password": PASSWORD}, headers=ADMIN)
    assert created.status_code == 201, created.text


def session_of(client: TestClient, username: str) -> dict[str, str]:
    """A real sign-in's cookie, as a header (the door test empties the client's cookie jar before each call)."""
    signed_in = client.post("/v1/session", json={"username": username, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return {"Cookie": f"{COOKIE}={signed_in.cookies[COOKIE]}"}


def an_episode_with_two_escalations(topic: Topic) -> tuple[uuid.UUID, list[Envelope]]:
    episode = uuid.uuid4()

    def escalated(minute: float, reason: str) -> Envelope:
        payload = ev.ResponseEscalatedV1(reason=reason, response_type=ResponseType.MOBILE_TEAM, area="central")
        return topic.event(episode, payload, source=DISPATCH, at=at(minute))

    return episode, [
        *contact(topic, episode, Channel.TRANSFER_911, 0, None),
        triaged(topic, episode, 1, None),
        escalated(5, "no_responder_available"),
        escalated(20, "target_missed"),
    ]


def caught_up(client: TestClient, operator: dict[str, str], count: int, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/v1/board", headers=operator).json()["version"] >= count:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.kafka
def test_every_door_of_the_board_holds(board):
    app, topic = board()
    episode, events = an_episode_with_two_escalations(topic)

    async def publish() -> None:
        async with topic:
            await topic.publish(*events)

    asyncio.run(publish())
    with TestClient(app, base_url="https://board.test") as client:
        for username in ("supervisor-1", "leaving"):
            create_operator(client, username)
        operator = session_of(client, "supervisor-1")
        assert caught_up(client, operator, len(events)), "the board never caught up with the topic"
        raised, missed = events[-2].id, events[-1].id
        # The live stream ends when the server stops; stopping it first makes the stream's door answer and end.
        app.state.runtime.closing.set()
        doors = {
            ("GET", "/v1/session"): Door(operator),
            ("GET", "/v1/board"): Door(operator, params={"by": "area"}),
            ("GET", "/v1/board/stream"): Door(operator),
            ("GET", "/v1/episodes/{episode_id}/timeline"): Door(operator, path={"episode_id": str(episode)}),
            ("GET", "/v1/kpis"): Door(operator, params={"by": "channel"}),
            ("GET", "/v1/queue"): Door(operator),
            ("GET", "/v1/queue/{escalation_id}"): Door(operator, path={"escalation_id": raised}),
            ("POST", "/v1/queue/{escalation_id}/acknowledgement"): Door(operator, path={"escalation_id": raised}),
            ("POST", "/v1/queue/{escalation_id}/resolution"): Door(
                operator, path={"escalation_id": missed}, body={"resolution": "handled"}
            ),
            ("GET", "/v1/admin/operators"): Door(ADMIN, operator),
            ("POST", "/v1/admin/operators"): Door(
                ADMIN, operator, body={"username": "supervisor-2", "password": PASSWORD}, accepted=201
            ),
            ("DELETE", "/v1/admin/operators/{username}"): Door(
                ADMIN, operator, path={"username": "leaving"}, accepted=204
            ),
        }
        assert check_every_door(client, doors, open_routes=OPEN) == []


@pytest.fixture
def client(tmp_path, clock):
    engine = migrated_engine(tmp_path / "board.db", "continuum_board")
    app = create_app(BoardSettings(admin_token=ADMIN_TOKEN), clock, engine=engine)
    return TestClient(app, base_url="https://board.test")


def test_an_operators_session_on_county_its_operator_accounts_is_403_and_changes_nothing(client):
    create_operator(client, "supervisor-1")
    operator = session_of(client, "supervisor-1")
    client.cookies.clear()
    answers = [
        client.post("/v1/admin/operators", json={"username": "friend-1", "password": PASSWORD}, headers=operator),
        client.delete("/v1/admin/operators/supervisor-1", headers=operator),
        client.get("/v1/admin/operators", headers=operator),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert {a.json()["detail"] for a in answers} == {
        "county IT only: this needs the admin token, and an operator's session does not give it"
    }
    listed = client.get("/v1/admin/operators", headers=ADMIN)
    assert listed.status_code == 200 and [o["username"] for o in listed.json()] == ["supervisor-1"]
    assert client.get("/v1/session", headers=operator).json()["username"] == "supervisor-1", "still signed in"


def test_a_forged_session_or_a_partner_credential_on_county_its_routes_is_asked_to_sign_in(client):
    forged = client.get("/v1/admin/operators", headers={"Cookie": f"{COOKIE}=forged-token"})
    assert forged.status_code == 401 and "Bearer" in forged.headers["WWW-Authenticate"]
    partner = client.get("/v1/admin/operators", headers={"Authorization": "Basic cGFydG5lcjpzZWNyZXQ="})
    assert partner.status_code == 401
