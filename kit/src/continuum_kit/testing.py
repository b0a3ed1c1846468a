"""Test helpers for services: a migrated SQLite database and a unit of work on it, no broker needed."""

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from continuum_contracts import Envelope, from_kafka
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, col, select

from continuum_kit.accounts import KeptAccounts
from continuum_kit.clock import Clock
from continuum_kit.db import READ_ONLY, make_engine, migrate
from continuum_kit.delivery import RELAY_SHARDS, OutboxMessage, OutboxShard, ProcessedEvent, UnitOfWork
from continuum_kit.partners import PartnerAccount
from continuum_kit.passwords import hash_secret
from continuum_kit.service import install_http_edges
from continuum_kit.settings import ServiceSettings


def migrated_engine(url_or_path: str | Path, migrations_package: str) -> Engine:
    url = str(url_or_path) if "://" in str(url_or_path) else f"sqlite:///{url_or_path}"
    engine = make_engine(url)
    migrate(engine, migrations_package)
    return engine


def create_delivery_schema(engine: Engine) -> None:
    """The inbox, the outbox and its relay shards, as a service's migrations make them, for kit tests."""
    SQLModel.metadata.create_all(
        engine, tables=[ProcessedEvent.__table__, OutboxMessage.__table__, OutboxShard.__table__]
    )
    with Session(engine) as session:
        session.add_all(OutboxShard(shard=shard) for shard in range(RELAY_SHARDS))
        session.commit()


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

    def __post_init__(self) -> None:
        self.accounts: KeptAccounts = KeptAccounts.on(self.settings, self.clock)

    @property
    def reader(self) -> Engine:
        return self.engine.execution_options(**{READ_ONLY: True})

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, source=self.settings.source, topic=self.settings.episode_topic, clock=self.clock)


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Runs the calls in threads released together by a barrier (two requests racing); their results in order.

    A call that raised raises here, after every thread has finished.
    """
    start, results = threading.Barrier(len(calls)), [None] * len(calls)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except BaseException as failure:  # noqa: BLE001 - handed to the caller below
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def migrate_when_released(barrier: Any, url: str, migrations_package: str) -> None:
    """One service instance's start-up migration, in a process of its own, begun when ``barrier`` lets go
    (alembic's context is global to a process, so instances racing must be processes, as in production)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        barrier.wait()
        migrate(engine, migrations_package)
    finally:
        engine.dispose()


def api_client(router: APIRouter, engine: Engine, clock: Clock, settings: ServiceSettings) -> TestClient:
    """An HTTP client for a service's routes on a real database; what they publish lands in the outbox."""
    app = FastAPI()
    app.include_router(router)
    app.state.runtime = StandInRuntime(engine, clock, settings)
    install_http_edges(app, settings)
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


class RecordingDeadLetters:
    """A dead-letter topic that keeps what it is given (a consumer's reason and origin), for a test to read."""

    def __init__(self) -> None:
        self.published: list[dict] = []

    async def publish(self, **kwargs) -> None:
        self.published.append(kwargs)


async def committed_offsets(settings: ServiceSettings) -> dict[int, int]:
    """The service's consumer group's committed offsets by partition, as the broker has them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(settings.consumer_group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
