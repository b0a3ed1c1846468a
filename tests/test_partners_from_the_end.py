"""A simulator that joins a running county with ``from_beginning=False`` (each bench phase does) follows only the
events published after it joined: none before it is read again, none after it is missed."""

import uuid

import pytest
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.settings import ServiceSettings
from continuum_sim.partners import Partners, eventually

pytestmark = pytest.mark.kafka


async def test_partners_from_the_end_see_what_follows_and_nothing_before(kafka_bootstrap, topic):
    settings = ServiceSettings(
        service_name="sim-test", kafka_bootstrap=kafka_bootstrap, episode_topic=topic, topic_partitions=3
    )
    await ensure_topics(settings)
    producer = make_producer(settings)
    await producer.start()

    async def publish() -> str:
        event = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1)
        envelope = Envelope.new(event, episode_id=uuid.uuid4(), source="/continuum/sim-test")
        record = to_kafka(envelope)
        await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
        return envelope.subject

    try:
        before = [await publish() for _ in range(5)]
        async with Partners(kafka_bootstrap, topic, {}, from_beginning=False) as partners:
            after = [await publish() for _ in range(5)]
            await eventually(lambda: all(partners.events.get(e) for e in after), timeout=30)
            assert not [e for e in before if partners.events.get(e)]
    finally:
        await producer.stop()
