"""A partition's batch in one transaction, on SQLite and PostgreSQL and over the real broker: a failing record
is dead-lettered alone, a batch replayed after a crash takes effect once, unhandled types cost no transaction."""

import asyncio
import uuid

import pytest
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1, FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.consumer import EventConsumer, Outcome, Record
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, ProcessedEvent, UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.service import Runtime
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import RecordingDeadLetters, committed_offsets, read_topic
from sqlalchemy import event
from sqlmodel import Session, SQLModel, select

OFFENDER = 3  # the sequence whose handler raises


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine, tables=[ProcessedEvent.__table__, OutboxMessage.__table__])
    yield engine
    engine.dispose()


def _completed(sequence: int, episode_id: uuid.UUID) -> Envelope:
    event = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=sequence, reached=True, attempts=1)
    return Envelope.new(event, episode_id=episode_id, source="/continuum/kit-test")


def _records(envelopes: list[Envelope]) -> list[Record]:
    return [Record("t", 0, offset, *_kafka(envelope)) for offset, envelope in enumerate(envelopes)]


def _kafka(envelope: Envelope) -> tuple:
    kafka = to_kafka(envelope)
    return kafka.key, kafka.value, kafka.headers


def _close_unless_the_offender(uow: UnitOfWork, envelope: Envelope) -> None:
    """Writes a row to the outbox, then raises for the offender: its row must not survive."""
    uow.emit(EpisodeClosedV1(reason="plan_complete"), episode_id=envelope.subject)
    if envelope.data.sequence == OFFENDER:
        raise ValueError("handler bug")


def _outbox(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


def _inbox(engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(ProcessedEvent.event_id)).all())


class CountingUnitsOfWork:
    def __init__(self, engine) -> None:
        self.engine, self.opened = engine, 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return UnitOfWork(self.engine, source="/continuum/kit-test", topic="t", clock=ManualClock())


async def test_a_failing_record_is_dead_lettered_alone_and_the_rest_of_its_batch_applies(engine):
    dead, units = RecordingDeadLetters(), CountingUnitsOfWork(engine)
    consumer = EventConsumer("kit-test", {FollowupCompletedV1: _close_unless_the_offender}, units, dead)
    envelopes = [_completed(sequence, uuid.uuid4()) for sequence in range(1, 6)]
    outcomes = await consumer.process_batch(_records(envelopes))
    assert outcomes == [Outcome.APPLIED] * 2 + [Outcome.DEAD_LETTERED] + [Outcome.APPLIED] * 2
    assert units.opened == 2, "the batch straight, rolled back at the failure, then again with a savepoint each"
    assert [letter["origin"] for letter in dead.published] == [("t", 0, 2)]
    assert dead.published[0]["reason"] == "continuum.followup.completed.v1 handler failed: ValueError"
    applied = {e.id for e in envelopes if e.data.sequence != OFFENDER}
    assert _inbox(engine) == applied
    assert sorted(row.key.decode() for row in _outbox(engine)) == sorted(
        e.subject for e in envelopes if e.data.sequence != OFFENDER
    )


async def test_a_batch_that_applies_cleanly_is_one_transaction_with_no_savepoints(engine):
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cu, sql, *_: statements.append(sql))
    units = CountingUnitsOfWork(engine)
    consumer = EventConsumer(
        "kit-test", {FollowupCompletedV1: _close_unless_the_offender}, units, RecordingDeadLetters()
    )
    envelopes = [_completed(sequence, uuid.uuid4()) for sequence in (1, 2, 4, 5)]
    assert await consumer.process_batch(_records(envelopes)) == [Outcome.APPLIED] * 4
    assert units.opened == 1
    assert not [sql for sql in statements if "SAVEPOINT" in sql.upper()]
    assert _inbox(engine) == {e.id for e in envelopes}
    assert len(_outbox(engine)) == 4


async def test_a_batch_replayed_after_a_crash_before_its_offsets_takes_effect_once(engine):
    dead = RecordingDeadLetters()
    consumer = EventConsumer(
        "kit-test", {FollowupCompletedV1: _close_unless_the_offender}, CountingUnitsOfWork(engine), dead
    )
    records = _records([_completed(sequence, uuid.uuid4()) for sequence in range(1, 6)])
    await consumer.process_batch(records)
    outbox = [row.event_id for row in _outbox(engine)]
    replayed = await consumer.process_batch(records)
    assert replayed == [Outcome.DUPLICATE] * 2 + [Outcome.DEAD_LETTERED] + [Outcome.DUPLICATE] * 2
    assert [row.event_id for row in _outbox(engine)] == outbox, "a replayed event wrote to the outbox again"


async def test_types_the_service_does_not_handle_are_skipped_without_a_transaction(engine):
    dead, units = RecordingDeadLetters(), CountingUnitsOfWork(engine)
    consumer = EventConsumer("kit-test", {EpisodeClosedV1: _close_unless_the_offender}, units, dead)
    records = _records([_completed(sequence, uuid.uuid4()) for sequence in range(1, 4)])
    assert await consumer.process_batch(records) == [Outcome.IGNORED] * 3
    assert units.opened == 0 and dead.published == [] and _inbox(engine) == set()
    unreadable = Record("t", 0, 3, records[0].key, b"{not json", records[0].headers)
    assert await consumer.process_batch([*records, unreadable]) == [Outcome.IGNORED] * 3 + [Outcome.DEAD_LETTERED]
    assert units.opened == 0 and "not valid JSON" in dead.published[0]["reason"]


# Over the real broker: the runtime's consume loop, a topic of one partition.


def _runtime(kafka_bootstrap: str, topic: str, engine, handled: list[str]) -> Runtime:
    settings = ServiceSettings(
        service_name="kit-test",
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        topic_partitions=1,
        group_prefix=topic,
    )

    def handler(uow: UnitOfWork, envelope: Envelope) -> None:
        handled.append(envelope.id)
        _close_unless_the_offender(uow, envelope)

    return Runtime(settings, handlers={FollowupCompletedV1: handler}, migrations_package="unused", engine=engine)


async def until(condition, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


async def _produce(runtime: Runtime, envelopes: list[Envelope]) -> None:
    producer = make_producer(runtime.settings)
    await producer.start()
    try:
        for envelope in envelopes:
            key, value, headers = _kafka(envelope)
            await producer.send_and_wait(runtime.settings.episode_topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


@pytest.mark.kafka
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_over_the_broker_offsets_go_past_the_whole_batch_and_a_replay_after_a_crash_repeats_nothing(
    kafka_bootstrap, topic, engine
):
    handled: list[str] = []
    first = _runtime(kafka_bootstrap, topic, engine, handled)
    await ensure_topics(first.settings)
    envelopes = [_completed(sequence, uuid.uuid4()) for sequence in range(1, 6)]
    await _produce(first, envelopes)
    first.offsets.max_records, first.offsets.max_delay = 10**6, 3600.0  # nothing committed before the crash
    first.dead_letters.producer = producer = make_producer(first.settings)
    await producer.start()
    try:
        await first.events.start()
        await until(lambda: set(handled) == {e.id for e in envelopes})
        await until(lambda: _inbox(engine) == {e.id for e in envelopes if e.data.sequence != OFFENDER})
        # its dead letter is out before the crash (one sent while the process dies may be lost, and is sent again)
        assert len(await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=1)) == 1
        assert first.events._task is not None
        first.events._task.cancel()  # the process dies: applied, offsets never committed
        assert first.events.client is not None
        await first.events.client.stop()
        assert await committed_offsets(first.settings) == {}

        before_replay = len(handled)
        second = _runtime(kafka_bootstrap, topic, engine, handled)
        second.dead_letters.producer = producer
        await second.events.start()
        letters = await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=2)
        await second.events.stop()
    finally:
        await producer.stop()
    assert set(handled[before_replay:]) == {envelopes[OFFENDER - 1].id}, "only the offender is handled again"
    assert await committed_offsets(first.settings) == {0: 5}
    assert len(_outbox(engine)) == 4
    assert [dict(letter.headers)["dlq_origin"] for letter in letters] == [f"{topic}/0/2".encode()] * 2
