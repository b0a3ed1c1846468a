"""Delivery over the real broker: the relay publishes the outbox in order, once, with the envelope."""

import asyncio
import uuid

import pytest
from continuum_contracts import from_kafka
from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.delivery import UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.relay import OutboxRelay
from continuum_kit.settings import ServiceSettings
from continuum_kit.telemetry import setup_tracing
from continuum_kit.testing import create_delivery_schema, read_topic
from opentelemetry import trace

pytestmark = pytest.mark.kafka


async def test_relay_publishes_outbox_in_episode_order_exactly_once(kafka_bootstrap, topic, database_url):
    settings = ServiceSettings(
        service_name="kit-test",
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        topic_partitions=3,
    )
    await ensure_topics(settings)
    engine = make_engine(database_url)
    create_delivery_schema(engine)
    clock = ManualClock()
    episodes = [uuid.uuid4() for _ in range(3)]
    tracer = setup_tracing("kit-test", None).get_tracer("test")
    with tracer.start_as_current_span("partner request") as span:
        trace_id = f"{span.get_span_context().trace_id:032x}"
        with UnitOfWork(engine, source="/continuum/kit-test", topic=topic, clock=clock) as uow:
            for sequence in range(1, 31):
                uow.emit(
                    FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=sequence, reached=True, attempts=1),
                    episode_id=episodes[sequence % 3],
                )
            uow.commit()
    producer = make_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay(engine, clock, poll_seconds=0.1)
        if engine.dialect.name == "postgresql":  # two instances of a service share its database
            second = OutboxRelay(engine, clock, poll_seconds=0.1)
            assert sum(await asyncio.gather(relay.publish_pending(producer), second.publish_pending(producer))) == 30
        else:
            assert await relay.publish_pending(producer) == 30
        assert await relay.publish_pending(producer) == 0
    finally:
        await producer.stop()

    records = await read_topic(kafka_bootstrap, topic, expected=30, linger=1.0)
    envelopes = [from_kafka(r.key, r.value, list(r.headers)) for r in records]
    assert len(envelopes) == 30 and len({e.id for e in envelopes}) == 30
    for episode in episodes:
        sequences = [e.data.sequence for e in envelopes if e.subject == str(episode)]
        assert sequences == sorted(sequences) and len(sequences) == 10
    assert all(e.trace["traceparent"].split("-")[1] == trace_id for e in envelopes)
    assert trace.get_current_span() is not None
