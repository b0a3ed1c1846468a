"""The database goes away under a partner's request: the partner gets 503 with Retry-After, and the log gets one
short line naming the route, never the statement, its parameters or the person's details."""

import logging

import psycopg
import pytest
from continuum_intake.config import IntakeSettings
from continuum_kit.clock import ManualClock
from continuum_kit.testing import migrated_engine

from .conftest import ADMIN, intake_client

CALLER = {"name": "Dana Example", "phone": "+1 555 0100", "date_of_birth": "1990-04-02"}


@pytest.fixture
def doomed_database(new_postgres_database, postgres_admin_url):
    url = new_postgres_database()
    engine = migrated_engine(url, "continuum_intake")

    def drop() -> None:
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    yield engine, drop
    engine.dispose()


def test_a_contact_during_a_database_outage_gets_503_and_one_short_log_line(doomed_database, caplog):
    engine, drop = doomed_database
    client = intake_client(engine, ManualClock(), IntakeSettings(admin_token=ADMIN["Authorization"].split()[1]))
    secret = "county-911-secret-at-least-24-characters"
    body = {"partner_id": "county-911", "secret": secret, "channels": ["crisis_line_call"], "event_types": []}
    assert client.post("/v1/admin/partners", json=body, headers=ADMIN).status_code == 201
    drop()
    with caplog.at_level(logging.DEBUG):
        answer = client.post(
            "/v1/contacts/crisis-line",
            json={"medium": "call", "caller": CALLER, "needs": ["mental_health"]},
            auth=("county-911", secret),
        )
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in failures] == [
        "POST /v1/contacts/crisis-line: database unavailable (OperationalError)"
    ]
    logged = caplog.text
    for leak in ("Dana", "0100", "1990", "parameters", "SELECT", "INSERT", "Traceback"):
        assert leak not in logged
