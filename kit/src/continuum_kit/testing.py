"""Test helpers for services: a migrated SQLite database and a unit of work on it, no broker needed."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from continuum_contracts import Envelope, from_kafka
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from continuum_kit.clock import Clock
from continuum_kit.db import make_engine, migrate
from continuum_kit.delivery import OutboxMessage, UnitOfWork
from continuum_kit.partners import PartnerAccount
from continuum_kit.passwords import hash_secret
from continuum_kit.settings import ServiceSettings


def migrated_engine(url_or_path: str | Path, migrations_package: str) -> Engine:
    url = str(url_or_path) if "://" in str(url_or_path) else f"sqlite:///{url_or_path}"
    engine = make_engine(url)
    migrate(engine, migrations_package)
    return engine


@contextmanager
def unit_of_work(engine: Engine, clock: Clock, source: str = "/continuum/test") -> Iterator[UnitOfWork]:
    with UnitOfWork(engine, source=source, topic="continuum.episode-events", clock=clock) as uow:
        yield uow


def outbox(engine: Engine) -> list[Envelope]:
    """Every event a service has decided to publish, parsed back from its outbox, in order."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.seq))).all()
        return [from_kafka(row.key, row.value, row.kafka_headers()) for row in rows]


@dataclass
class StandInRuntime:
    """What the API dependencies read from ``app.state.runtime``: the database, clock and settings, no broker."""

    engine: Engine
    clock: Clock
    settings: ServiceSettings

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, source=self.settings.source, topic=self.settings.episode_topic, clock=self.clock)


def api_client(router: APIRouter, engine: Engine, clock: Clock, settings: ServiceSettings) -> TestClient:
    """An HTTP client for a service's routes on a real database; what they publish lands in the outbox."""
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = StandInRuntime(engine, clock, settings)
    return TestClient(app)


async def read_topic(bootstrap: str, topic: str, *, expected: int, timeout: float = 30.0, linger: float = 0.0) -> list:
    """Every record on ``topic`` from the start: until ``expected`` arrived (or ``timeout``), then ``linger``
    seconds more, so that a test can see a record that should not be there."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    records: list = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(records) < expected and loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records.extend(batch)
        deadline = loop.time() + linger
        while loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


def run_sweeps(engine: Engine, clock: Clock, sweeps: list) -> list[Envelope]:
    """Run each timer sweep once, each in its own transaction as the runtime does; return what they emitted."""
    emitted: list[Envelope] = []
    for sweep in sweeps:
        with unit_of_work(engine, clock) as uow:
            sweep(uow)
            uow.commit()
            emitted += uow.emitted
    return emitted


def register_partner(engine: Engine, partner_id: str, secret: str | None = None) -> tuple[str, str]:
    """A partner account on a service that uses the kit's registry; returns its HTTP Basic credentials."""
    secret = secret or f"{partner_id}-secret-for-tests-only"
    with Session(engine) as session:
        if session.get(PartnerAccount, partner_id) is None:
            created = datetime.now(UTC)
            session.add(PartnerAccount(partner_id=partner_id, secret_hash=hash_secret(secret), created_at=created))
            session.commit()
    return partner_id, secret
