"""Dead letters on the real broker: a record near the broker's size limit still reaches the dead-letter topic."""

import hashlib
import uuid

import pytest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1
from continuum_kit.clock import ManualClock
from continuum_kit.consumer import EventConsumer, Outcome, Record
from continuum_kit.db import make_engine
from continuum_kit.dead_letters import PRODUCER_MAX_REQUEST_SIZE, DeadLetters
from continuum_kit.delivery import OutboxMessage, UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.relay import OutboxRelay
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import create_delivery_schema, read_topic
from sqlmodel import Session, select

pytestmark = pytest.mark.kafka


def largest_record(key: bytes, headers: list[tuple[str, bytes]]) -> bytes:
    """A value that just fits the producer's limit with these headers, so that nothing may be added to it."""
    size = PRODUCER_MAX_REQUEST_SIZE - DefaultRecordBatchBuilder.estimate_size_in_bytes(key, b"", headers) - 8
    return b"x" * size


@pytest.fixture
async def producer(kafka_bootstrap, topic):
    settings = ServiceSettings(
        service_name="kit-test", kafka_bootstrap=kafka_bootstrap, episode_topic=topic, dead_letter_topic=f"{topic}.dlq"
    )
    await ensure_topics(settings)
    producer = make_producer(settings)
    await producer.start()
    yield producer
    await producer.stop()


async def test_a_record_too_large_to_copy_with_the_reason_is_dead_lettered_truncated(kafka_bootstrap, topic, producer):
    kafka = to_kafka(Envelope.new(EpisodeClosedV1(reason="plan_complete"), episode_id=uuid.uuid4(), source="/t"))
    value = largest_record(kafka.key, kafka.headers)
    sent = await producer.send_and_wait(topic, value, key=kafka.key, headers=kafka.headers)
    dead_letters = DeadLetters(f"{topic}.dlq", "kit-test-group")
    dead_letters.producer = producer
    consumer = EventConsumer("kit-test-group", {}, lambda: None, dead_letters)  # type: ignore[arg-type]

    outcome = await consumer.process(Record(topic, sent.partition, sent.offset, kafka.key, value, kafka.headers))

    [copy] = await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=1)
    headers = dict(copy.headers)
    assert outcome is Outcome.DEAD_LETTERED
    assert headers["dlq_reason"].decode().startswith("payload is not valid JSON")
    assert headers["dlq_reason"].decode().endswith(f"value truncated ({len(value)} bytes)")
    assert headers["dlq_truncated"] == b"true" and headers["dlq_original_size"] == str(len(value)).encode()
    assert headers["dlq_original_sha256"] == hashlib.sha256(value).hexdigest().encode()
    assert headers["dlq_origin"] == f"{topic}/{sent.partition}/{sent.offset}".encode()
    assert headers["ce_type"] == b"continuum.episode.closed.v1" and headers["dlq_consumer"] == b"kit-test-group"
    assert 0 < len(copy.value) < len(value) and value.startswith(copy.value)


async def test_a_copy_the_producer_still_refuses_for_size_goes_without_its_value(kafka_bootstrap, topic, producer):
    value = b"y" * (PRODUCER_MAX_REQUEST_SIZE + 10)  # believed to fit: the copy is refused, then sent bare
    dead_letters = DeadLetters(f"{topic}.dlq", "kit-test-group", max_request_size=4 * PRODUCER_MAX_REQUEST_SIZE)
    dead_letters.producer = producer

    await dead_letters.publish(key=b"k", value=value, headers=[], reason="too big", origin=(topic, 0, 7))

    [copy] = await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=1)
    headers = dict(copy.headers)
    assert copy.value is None and headers["dlq_origin"] == f"{topic}/0/7".encode()
    assert headers["dlq_reason"] == f"too big; value truncated ({len(value)} bytes)".encode()
    assert headers["dlq_original_sha256"] == hashlib.sha256(value).hexdigest().encode()


async def test_an_outbox_row_too_large_for_the_broker_is_dead_lettered_and_the_rows_after_it_published(
    kafka_bootstrap, topic, producer, tmp_path
):
    engine = make_engine(f"sqlite:///{tmp_path / 'relay.db'}")
    create_delivery_schema(engine)
    clock = ManualClock()
    with UnitOfWork(engine, source="/continuum/kit-test", topic=topic, clock=clock) as uow:
        for _ in range(2):
            uow.emit(EpisodeClosedV1(reason="plan_complete"), episode_id=uuid.uuid4())
        uow.commit()
    with Session(engine) as session:
        first = session.exec(select(OutboxMessage).order_by(OutboxMessage.seq)).first()
        first.value = b"z" * (2 * PRODUCER_MAX_REQUEST_SIZE)
        session.add(first)
        session.commit()
    dead_letters = DeadLetters(f"{topic}.dlq", "kit-test-relay")
    dead_letters.producer = producer
    relay = OutboxRelay(engine, clock, poll_seconds=0.1, dead_letters=dead_letters)

    assert await relay.publish_pending(producer) == 2
    assert await relay.publish_pending(producer) == 0
    [published] = await read_topic(kafka_bootstrap, topic, expected=1)
    [copy] = await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=1)
    assert dict(published.headers)["ce_type"] == b"continuum.episode.closed.v1"
    assert dict(copy.headers)["dlq_reason"].startswith(b"continuum.episode.closed.v1 too large for the broker")
    assert dict(copy.headers)["dlq_truncated"] == b"true"
