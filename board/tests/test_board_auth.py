"""Nothing on the board is readable without a sign-in; operators are county IT's to create."""

import uuid
from datetime import timedelta

import pytest
from continuum_board.app import create_app
from continuum_board.config import BoardSettings
from continuum_board.store import Operator
from continuum_board.testing import ADMIN, ADMIN_TOKEN, PASSWORD
from continuum_kit.settings import load_settings
from continuum_kit.testing import migrated_engine
from fastapi.testclient import TestClient
from sqlmodel import Session

PROTECTED_APIS = [
    "/v1/board",
    "/v1/board/stream",
    "/v1/kpis",
    f"/v1/episodes/{uuid.uuid4()}/timeline",
    "/v1/session",
]


@pytest.fixture
def engine(tmp_path):
    return migrated_engine(tmp_path / "board.db", "continuum_board")


def client_for(engine, clock, **settings) -> TestClient:
    """The board's HTTP surface on a migrated database; no broker is needed to sign in."""
    app = create_app(BoardSettings(admin_token=ADMIN_TOKEN, **settings), clock, engine=engine)
    return TestClient(app, base_url="https://board.test")


@pytest.fixture
def client(engine, clock):
    return client_for(engine, clock)


def create_operator(client, username="supervisor-1", password=PASSWORD):
    return client.post("/v1/admin/operators", json={"username": username, "password": password}, headers=ADMIN)


@pytest.mark.parametrize("path", PROTECTED_APIS)
def test_apis_answer_401_without_a_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "sign in first"}


def test_the_board_page_sends_a_stranger_to_the_sign_in_page(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    page = client.get("/signin")
    assert page.status_code == 200 and 'id="password"' in page.text and "Operator" in page.text


def test_a_forged_or_unknown_cookie_is_not_a_sign_in(client):
    client.cookies.set("continuum_board_session", "forged-token", domain="board.test")
    assert client.get("/v1/board").status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_sets_an_httponly_strict_secure_cookie_and_opens_the_board(client, engine):
    assert create_operator(client).status_code == 201
    response = client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD})
    assert response.status_code == 200 and response.json()["username"] == "supervisor-1"
    cookie = response.headers["set-cookie"]
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 40, "a random token of at least 256 bits"
    with Session(engine) as session:
        stored = session.get(Operator, "supervisor-1")
    assert stored.password_hash.startswith("scrypt$") and PASSWORD not in stored.password_hash
    page = client.get("/")
    assert page.status_code == 200 and "Continuum operations board" in page.text
    assert client.get("/v1/board").status_code == 200
    assert client.get("/v1/session").json()["username"] == "supervisor-1"


@pytest.mark.parametrize(
    "username,password", [("supervisor-1", "wrong password here"), ("nobody-here", PASSWORD)], ids=["password", "name"]
)
def test_a_wrong_password_or_name_is_401_and_sets_no_cookie(client, username, password):
    create_operator(client)
    response = client.post("/v1/session", json={"username": username, "password": password})
    assert response.status_code == 401 and response.json() == {"detail": "wrong username or password"}
    assert "set-cookie" not in response.headers
    assert client.get("/v1/board").status_code == 401


def test_signing_out_ends_the_session_on_the_server(client):
    create_operator(client)
    token = client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD}).cookies[
        "continuum_board_session"
    ]
    assert client.delete("/v1/session").status_code == 204
    client.cookies.set("continuum_board_session", token, domain="board.test")  # a copy of the old cookie
    assert client.get("/v1/board").status_code == 401


def test_a_session_expires(client, clock):
    create_operator(client)
    client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD})
    clock.advance(timedelta(hours=11))
    assert client.get("/v1/board").status_code == 200
    clock.advance(timedelta(hours=2))
    assert client.get("/v1/board").status_code == 401


def test_removing_an_operator_ends_their_sessions(client):
    create_operator(client)
    client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD})
    assert client.delete("/v1/admin/operators/supervisor-1", headers=ADMIN).status_code == 204
    assert client.get("/v1/board").status_code == 401
    assert client.delete("/v1/admin/operators/supervisor-1", headers=ADMIN).status_code == 404


def test_only_county_it_creates_operators(client, engine, clock):
    body = {"username": "supervisor-1", "password": PASSWORD}
    assert client.post("/v1/admin/operators", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-the-admin-token-at-all"}
    assert client.post("/v1/admin/operators", json=body, headers=wrong).status_code == 401
    assert client.get("/v1/admin/operators", headers=wrong).status_code == 401
    assert create_operator(client).status_code == 201
    assert create_operator(client).status_code == 409
    assert [o["username"] for o in client.get("/v1/admin/operators", headers=ADMIN).json()] == ["supervisor-1"]
    off = TestClient(create_app(BoardSettings(), clock, engine=engine), base_url="https://board.test")
    assert off.post("/v1/admin/operators", json=body, headers=ADMIN).status_code == 503


def test_bad_input_is_422_naming_the_field_and_never_echoing_a_password(client):
    short = create_operator(client, password="tiny-secret")
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]
    assert "tiny-secret" not in short.text
    odd_name = create_operator(client, username="Robert Smith")
    assert odd_name.status_code == 422 and odd_name.json()["detail"][0]["loc"] == ["body", "username"]
    missing = client.post("/v1/session", json={"username": "supervisor-1"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "password"]
    create_operator(client)
    client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD})
    by = client.get("/v1/kpis", params={"by": "home_address"})
    assert by.status_code == 422 and by.json()["detail"][0]["loc"] == ["query", "by"]


def test_guessing_an_operator_password_is_answered_429_before_the_password_is_checked(engine, clock):
    """The sign-in form takes its password in the body: it is limited like a partner's secret, per address
    and per operator name, and a right password from the guessing address waits too."""
    client = client_for(
        engine, clock, failed_credentials_per_client="3/minute", failed_credentials_per_partner="5/minute"
    )
    assert create_operator(client).status_code == 201
    guesses = [
        client.post("/v1/session", json={"username": "supervisor-1", "password": f"guess {i}"}) for i in range(3)
    ]
    assert [g.status_code for g in guesses] == [401, 401, 401]
    held = client.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) >= 1
    elsewhere = TestClient(client.app, base_url="https://board.test", client=("10.0.0.9", 50000))
    assert elsewhere.post("/v1/session", json={"username": "supervisor-1", "password": PASSWORD}).status_code == 200


def test_a_board_that_would_send_sessions_over_plain_http_does_not_start_in_production(monkeypatch, capsys):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "production")
    monkeypatch.setenv("CONTINUUM_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("CONTINUUM_SESSION_COOKIE_SECURE", "false")
    with pytest.raises(SystemExit) as stopped:
        load_settings(BoardSettings)
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "board: cannot start: CONTINUUM_SESSION_COOKIE_SECURE is false: operators' sessions would travel over plain "
        "HTTP; serve the board over HTTPS and leave it true (or CONTINUUM_ENVIRONMENT=development)"
    ]
    monkeypatch.setenv("CONTINUUM_SESSION_COOKIE_SECURE", "true")
    assert load_settings(BoardSettings).session_cookie_secure is True
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "development")
    monkeypatch.setenv("CONTINUUM_SESSION_COOKIE_SECURE", "false")
    assert load_settings(BoardSettings).session_cookie_secure is False
