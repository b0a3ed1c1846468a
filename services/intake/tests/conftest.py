"""Intake's test fixtures: a migrated database, intake's routes on it, an admin, and registered partners."""

from collections.abc import Callable

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EventPayload
from continuum_intake import api
from continuum_intake.config import IntakeSettings
from continuum_intake.handlers import build_handlers
from continuum_intake.parts import build_parts
from continuum_intake.store import Contact, CrisisPlan, Episode, MatchReview, Partner, PartnerEvent, Person
from continuum_kit.clock import ManualClock
from continuum_kit.delivery import OutboxMessage
from continuum_kit.testing import api_client, migrated_engine, unit_of_work
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

ADMIN_TOKEN = "test-admin-token-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ALL_CHANNELS = [
    "crisis_line_call",
    "crisis_line_chat",
    "crisis_line_text",
    "warmline_call",
    "warmline_chat",
    "warmline_text",
    "911_transfer",
    "311_request",
    "police_field_referral",
    "emergency_department",
    "street_outreach",
    "walk_in",
]
CONTACT_SUBMITTED = "continuum.contact.submitted.v1"
PLAN_RECORDED = "continuum.crisis-plan.recorded"


@pytest.fixture
def engine(database_url):
    engine = migrated_engine(database_url, "continuum_intake")
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def settings():
    return IntakeSettings(admin_token=ADMIN_TOKEN)


@pytest.fixture
def admin() -> dict[str, str]:
    """The headers of a county operator holding the admin token."""
    return dict(ADMIN)


def intake_client(engine: Engine, clock: ManualClock, settings: IntakeSettings) -> TestClient:
    """The test composition root: intake's routes on a real database, with the parts create_app would build."""
    client = api_client(api.router, engine, clock, settings)
    client.app.state.intake_parts = build_parts(settings)
    return client


@pytest.fixture
def client_for(engine, clock) -> Callable[[IntakeSettings], TestClient]:
    """A client of intake configured by the test's own settings."""
    return lambda settings: intake_client(engine, clock, settings)


@pytest.fixture
def client(client_for, settings) -> TestClient:
    return client_for(settings)


Register = Callable[..., tuple[str, str]]


@pytest.fixture
def register(client) -> Register:
    """Registers a partner through the admin API; returns its HTTP Basic credentials."""

    def register(
        partner_id: str = "county-911", channels: list[str] | None = None, event_types: list[str] | None = None
    ) -> tuple[str, str]:
        secret = f"{partner_id}-secret-at-least-24-characters"
        body = {
            "partner_id": partner_id,
            "secret": secret,
            "channels": ALL_CHANNELS if channels is None else channels,
            "event_types": [CONTACT_SUBMITTED] if event_types is None else event_types,
        }
        response = client.post("/v1/admin/partners", json=body, headers=ADMIN)
        assert response.status_code == 201, response.text
        return partner_id, secret

    return register


@pytest.fixture
def partner(register) -> tuple[str, str]:
    """A partner registered for every channel and for CloudEvents contacts."""
    return register()


def _row_counts(engine: Engine) -> dict[str, int]:
    tables = [Partner, Person, Episode, Contact, PartnerEvent, MatchReview, CrisisPlan, OutboxMessage]
    with Session(engine) as session:
        return {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in tables}


@pytest.fixture
def row_counts(engine) -> Callable[[], dict[str, int]]:
    """How many rows each intake table and the outbox hold: a rejected request must change none."""
    return lambda: _row_counts(engine)


HANDLERS = build_handlers(build_parts(IntakeSettings()))


def deliver(engine: Engine, clock: ManualClock, payload: EventPayload, episode_id) -> None:
    """An event from another service, applied as intake's consumer applies it: one transaction."""
    envelope = Envelope.new(payload, episode_id=episode_id, source="/continuum/test")
    with unit_of_work(engine, clock) as uow:
        HANDLERS[type(envelope.data)](uow, envelope)
        uow.commit()
