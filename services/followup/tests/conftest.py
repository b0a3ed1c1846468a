"""Followup's test fixtures: a migrated database (SQLite, or the PostgreSQL under test), a manual clock, the API
as the peer team (with the test module's own ``settings``), and events handed to followup's handlers."""

from uuid import UUID

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EventPayload
from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_kit.clock import ManualClock
from continuum_kit.testing import api_client, migrated_engine, register_partner, unit_of_work


@pytest.fixture
def engine(database_url):
    return migrated_engine(database_url, "continuum_followup")


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def client(engine, clock, settings):
    """Followup's API as the peer team the check-ins go to."""
    client = api_client(api.router, engine, clock, settings)
    client.auth = register_partner(engine, settings.peer_pool_id)
    return client


def deliver_to(
    episode_id: UUID, engine, clock: ManualClock, settings: FollowupSettings, payload: EventPayload
) -> Envelope:
    """One event of the episode, as the consumer hands it to followup's handler, committed; the envelope given."""
    envelope = Envelope.new(payload, episode_id=episode_id, source="/continuum/test", time=clock.now())
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        build_handlers(settings)[type(envelope.data)](uow, envelope)
        uow.commit()
    return envelope
