"""A stopping relay, on the real broker: the records in flight when it is told to stop finish and are marked,
every row committed before the stop is published in a last pass, and ``run`` returns by itself, so the next
start (another relay on the same outbox) finds nothing to publish again."""

import asyncio
import uuid

import pytest
from continuum_contracts import from_kafka
from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.relay import OutboxRelay
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import create_delivery_schema, read_topic
from sqlalchemy import func
from sqlmodel import Session, col, select

pytestmark = pytest.mark.kafka


class GatedProducer:
    """The real producer, whose sends wait at a gate the test opens: the relay is caught with records in flight."""

    def __init__(self, producer) -> None:
        self._producer = producer
        self.in_flight, self.gate = asyncio.Event(), asyncio.Event()

    async def send(self, *args, **kwargs):
        self.in_flight.set()
        await self.gate.wait()
        return await self._producer.send(*args, **kwargs)


def _commit(engine, relay: OutboxRelay, topic: str, clock: ManualClock, count: int, first: int) -> None:
    with UnitOfWork(engine, source="/continuum/kit-test", topic=topic, clock=clock, on_commit=relay.wake) as uow:
        for sequence in range(first, first + count):
            uow.emit(
                FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=sequence, reached=True, attempts=1),
                episode_id=uuid.uuid4(),
            )
        uow.commit()


def _unpublished(engine) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.published_at).is_(None))
        return session.exec(query).one()


async def test_a_stopped_relay_finishes_what_is_in_flight_publishes_what_was_committed_and_returns(
    kafka_bootstrap, topic, database_url
):
    settings = ServiceSettings(
        service_name="kit-test", kafka_bootstrap=kafka_bootstrap, episode_topic=topic, dead_letter_topic=f"{topic}.dlq"
    )
    await ensure_topics(settings)
    engine = make_engine(database_url)
    create_delivery_schema(engine)
    clock = ManualClock()
    producer = make_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay(engine, clock, poll_seconds=30.0)  # only a wake or the stop moves it
        gated = GatedProducer(producer)
        running = asyncio.create_task(relay.run(gated))
        _commit(engine, relay, topic, clock, 10, first=1)
        await asyncio.wait_for(gated.in_flight.wait(), timeout=30)
        _commit(engine, relay, topic, clock, 5, first=11)  # committed while the first records are in flight
        relay.stop()
        gated.gate.set()
        await asyncio.wait_for(running, timeout=60)  # returns by itself; nothing cancels it
        assert _unpublished(engine) == 0
        assert await OutboxRelay(engine, clock, poll_seconds=0.1).publish_pending(producer) == 0
    finally:
        await producer.stop()
    records = await read_topic(kafka_bootstrap, topic, expected=15, linger=1.0)
    sequences = sorted(from_kafka(r.key, r.value, list(r.headers)).data.sequence for r in records)
    assert sequences == list(range(1, 16))
