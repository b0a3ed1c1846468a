"""Offsets are committed only for applied records, in batches, on a timer when the stream goes quiet,
and, on a rebalance, for the revoked partitions before the group hands them on."""

import asyncio
import contextlib
import sqlite3
import threading
import uuid
from contextlib import AsyncExitStack

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, ProcessedEvent
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.offsets import CommitOnRevoke, OffsetCommitter
from continuum_kit.service import Runtime
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import committed_offsets
from sqlmodel import SQLModel

PARTITIONS = 4
BATCH = 5  # records per fetch for the instance that is caught mid-batch


class RecordingConsumer:
    def __init__(self, assigned: set[TopicPartition] | None = None) -> None:
        self.commits: list[dict] = []
        self.assigned = assigned or {TopicPartition("t", 0), TopicPartition("t", 1)}

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    async def commit(self, offsets: dict) -> None:
        self.commits.append(dict(offsets))


async def test_commits_the_next_offset_of_applied_records_in_batches():
    consumer = RecordingConsumer()
    committer = OffsetCommitter(max_records=3, max_delay=60)
    for offset in range(5):
        await committer.applied(consumer, "t", offset % 2, offset)
    assert consumer.commits == [{TopicPartition("t", 0): 3, TopicPartition("t", 1): 2}]


async def test_quiet_stream_is_committed_by_the_timer():
    consumer = RecordingConsumer()
    committer = OffsetCommitter(max_records=100, max_delay=0.05)
    await committer.applied(consumer, "t", 0, 41)
    timer = asyncio.create_task(committer.run())
    await asyncio.sleep(0.2)
    timer.cancel()
    assert consumer.commits == [{TopicPartition("t", 0): 42}]


async def test_failed_commit_is_survived_and_later_offsets_still_commit():
    class Failing(RecordingConsumer):
        failed = False

        async def commit(self, offsets: dict) -> None:
            if not self.failed:
                self.failed = True
                from aiokafka.errors import RequestTimedOutError

                raise RequestTimedOutError()
            await super().commit(offsets)

    consumer = Failing()
    committer = OffsetCommitter(max_records=1, max_delay=60)
    await committer.applied(consumer, "t", 0, 1)
    await committer.applied(consumer, "t", 1, 7)
    assert consumer.commits == [{TopicPartition("t", 0): 2, TopicPartition("t", 1): 8}]


async def test_record_handling_that_raises_is_not_committed():
    consumer = RecordingConsumer()
    committer = OffsetCommitter(max_records=1, max_delay=60)
    with pytest.raises(RuntimeError):
        async with committer.applying(consumer, "t", 0, 5):
            raise RuntimeError("handler stopped")
    await committer.flush()
    assert consumer.commits == []


# On the real broker: a topic of several partitions, one consumer group, a second member joining.


def _settings(kafka_bootstrap: str, topic: str) -> ServiceSettings:
    return ServiceSettings(
        service_name="kit-test",
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        topic_partitions=PARTITIONS,
        group_prefix=topic,
    )


async def _produce(settings: ServiceSettings, per_partition: int) -> dict[str, tuple[int, int]]:
    """Events on every partition; each event's id with its partition and offset."""
    producer = make_producer(settings)
    await producer.start()
    sent: dict[str, tuple[int, int]] = {}
    try:
        for partition in range(PARTITIONS):
            for sequence in range(per_partition):
                event = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=sequence + 1, reached=True, attempts=1)
                envelope = Envelope.new(event, episode_id=uuid.uuid4(), source="/continuum/kit-test")
                kafka = to_kafka(envelope)
                metadata = await producer.send_and_wait(
                    settings.episode_topic, kafka.value, key=kafka.key, headers=kafka.headers, partition=partition
                )
                sent[envelope.id] = (partition, metadata.offset)
    finally:
        await producer.stop()
    return sent


async def until(condition, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


def _split(first: AIOKafkaConsumer, second: AIOKafkaConsumer) -> bool:
    """Both members hold partitions of the new generation: disjoint, together all of them."""
    mine, theirs = first.assignment(), second.assignment()
    return bool(mine) and bool(theirs) and not mine & theirs and len(mine | theirs) == PARTITIONS


async def _member(settings: ServiceSettings, committer: OffsetCommitter) -> AIOKafkaConsumer:
    """A group member subscribed as the kit's consume loop subscribes: manual commits, the committer's listener."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_servers,
        group_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    consumer.subscribe([settings.episode_topic], listener=CommitOnRevoke(committer))
    await consumer.start()
    return consumer


def _instance(settings: ServiceSettings, database, applied: list[str], before_applying=None) -> Runtime:
    """One instance of a service on its own SQLite database: its own inbox, so a re-delivery reaches the handler."""
    engine = make_engine(f"sqlite:///{database}")
    SQLModel.metadata.create_all(engine, tables=[ProcessedEvent.__table__, OutboxMessage.__table__])

    def record(uow, envelope: Envelope) -> None:
        if before_applying:
            before_applying(envelope)
        applied.append(envelope.id)

    runtime = Runtime(settings, handlers={FollowupCompletedV1: record}, migrations_package="unused", engine=engine)
    # No commits by count or timer during the test: what the group has committed came from the revoke.
    runtime.offsets.max_records, runtime.offsets.max_delay = 10**6, 3600.0
    return runtime


def _inbox(database) -> set[str]:
    """The events the instance's committed transactions applied (read beside its open write transaction)."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return {event_id for (event_id,) in connection.execute("SELECT event_id FROM processed_event")}


@pytest.mark.kafka
async def test_rebalance_commits_what_was_applied_so_the_new_owner_starts_right_after_it(
    kafka_bootstrap, topic, tmp_path
):
    settings = _settings(kafka_bootstrap, topic)
    await ensure_topics(settings)
    sent = await _produce(settings, per_partition=10)
    first_applied: list[str] = []
    second_applied: list[str] = []
    holding, release, in_flight = threading.Event(), threading.Event(), []

    def hold_the_sixteenth(envelope: Envelope) -> None:
        if len(first_applied) == 15 and not in_flight:
            in_flight.append(envelope.id)
            holding.set()
            release.wait(60)

    first = _instance(settings, tmp_path / "first.db", first_applied, hold_the_sixteenth)
    first.events.max_records = BATCH  # a fetch's records are one transaction: three commit, the fourth is held
    second = _instance(settings, tmp_path / "second.db", second_applied)
    await first.events.start()
    try:
        await until(holding.is_set)
        committed_before = await asyncio.to_thread(
            _inbox, tmp_path / "first.db"
        )  # the batch in flight is not committed
        await second.events.start()
        await until(lambda: _split(first.events.client, second.events.client))
        expected: dict[int, int] = {}
        for event_id in committed_before:
            partition, offset = sent[event_id]
            expected[partition] = max(expected.get(partition, 0), offset + 1)
        # Committed while the first still owned every partition: every batch applied, not the one in flight.
        assert await committed_offsets(settings) == expected
        release.set()
        await until(lambda: set(first_applied) | set(second_applied) == set(sent))
        second_holds = {tp.partition for tp in second.events.client.assignment()}
    finally:
        release.set()
        await second.events.stop()
        await first.events.stop()

    assert 0 < len(committed_before) < 16
    assert set(second_applied).isdisjoint(committed_before), "the new owner re-read records applied before the revoke"
    redelivered = set(first_applied) & set(second_applied)
    # Only the batch in flight is handled twice, and only on the partitions that went to the new owner.
    assert len(redelivered) <= BATCH
    assert {sent[event_id][0] for event_id in redelivered} <= second_holds
    assert (in_flight[0] in redelivered) == (sent[in_flight[0]][0] in second_holds)
    assert len(first_applied) == len(set(first_applied)) and len(second_applied) == len(set(second_applied))


@pytest.mark.kafka
async def test_flush_after_a_rebalance_commits_the_kept_partitions_and_skips_the_others(kafka_bootstrap, topic):
    settings = _settings(kafka_bootstrap, topic)
    await ensure_topics(settings)
    await _produce(settings, per_partition=1)
    committer = OffsetCommitter(max_records=10**6, max_delay=3600)
    first = await _member(settings, committer)
    second = await _member(settings, OffsetCommitter())
    try:
        await until(lambda: _split(first, second) and not committer.rebalancing)
        for partition in range(PARTITIONS):  # offsets of every partition pending, as if applied in the window
            await committer.applied(first, settings.episode_topic, partition, 0)
        await committer.flush()
        kept = {tp.partition for tp in first.assignment()}
    finally:
        await second.stop()
        await first.stop()
    assert 0 < len(kept) < PARTITIONS
    assert await committed_offsets(settings) == dict.fromkeys(kept, 1)


@pytest.mark.kafka
async def test_record_in_flight_when_its_partition_is_revoked_is_not_committed_by_this_instance(kafka_bootstrap, topic):
    settings = _settings(kafka_bootstrap, topic)
    await ensure_topics(settings)
    await _produce(settings, per_partition=1)
    committer = OffsetCommitter(max_records=1, max_delay=0)
    first = await _member(settings, committer)
    second = None
    try:
        await until(lambda: len(first.assignment()) == PARTITIONS and not committer.rebalancing)
        async with AsyncExitStack() as in_flight:  # a record of every partition being handled
            for partition in range(PARTITIONS):
                await in_flight.enter_async_context(committer.applying(first, settings.episode_topic, partition, 0))
            second = await _member(settings, OffsetCommitter())
            await until(lambda: _split(first, second) and not committer.rebalancing)
        await committer.flush()
        assert await committed_offsets(settings) == {}, "a record in flight at the revoke was committed"
        kept = {tp.partition for tp in first.assignment()}
        for partition in kept:  # handled again under the new assignment: committed
            async with committer.applying(first, settings.episode_topic, partition, 0):
                pass
    finally:
        if second is not None:
            await second.stop()
        await first.stop()
    assert await committed_offsets(settings) == dict.fromkeys(kept, 1)
