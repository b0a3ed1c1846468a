"""Two instances of a service on one PostgreSQL database: the relays split the outbox's shards and publish each
episode in order, every row once; two timer sweepers at one due time fire each effect once."""

import asyncio
import threading
import uuid
from datetime import timedelta

import pytest
from continuum_contracts import from_kafka
from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.delivery import CommittedRow, OutboxMessage, UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.relay import OutboxRelay
from continuum_kit.relay_claims import HandedRows, claim
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import create_delivery_schema, outbox, read_topic
from continuum_kit.timers import TimerSweeper
from sqlalchemy import inspect
from sqlmodel import Session, col, select

pytestmark = pytest.mark.kafka
EPISODES, EVENTS = 80, 5


def _write_outbox(engine, clock, topic, relay=None) -> list[uuid.UUID]:
    """EVENTS events for each of EPISODES episodes, the episodes interleaved, a few per transaction."""
    episodes = [uuid.uuid4() for _ in range(EPISODES)]
    for sequence in range(1, EVENTS + 1):
        for start in range(0, EPISODES, 20):
            wake = relay.wake if relay else None
            with UnitOfWork(engine, source="/continuum/kit-test", topic=topic, clock=clock, on_commit=wake) as uow:
                for episode in episodes[start : start + 20]:
                    payload = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=sequence, reached=True, attempts=1)
                    uow.emit(payload, episode_id=episode)
                uow.commit()
    return episodes


async def _settings(kafka_bootstrap, topic) -> ServiceSettings:
    settings = ServiceSettings(
        service_name="kit-test", kafka_bootstrap=kafka_bootstrap, episode_topic=topic, dead_letter_topic=f"{topic}.dlq"
    )
    await ensure_topics(settings)
    return settings


def _assert_each_episode_once_in_order(records, episodes) -> None:
    envelopes = [from_kafka(r.key, r.value, list(r.headers)) for r in records]
    assert len(envelopes) == EPISODES * EVENTS and len({e.id for e in envelopes}) == EPISODES * EVENTS
    for episode in episodes:
        assert [e.data.sequence for e in envelopes if e.subject == str(episode)] == list(range(1, EVENTS + 1))


async def _drain(relay: OutboxRelay, producer) -> int:
    published = 0
    while (count := await relay.publish_pending(producer)) > 0:
        published += count
    return published


async def test_two_relays_on_one_database_split_the_shards_and_keep_each_episode_in_order(
    kafka_bootstrap, topic, new_postgres_database
):
    url = new_postgres_database()
    engines = [make_engine(url), make_engine(url)]  # two instances of one service
    create_delivery_schema(engines[0])
    clock = ManualClock()
    episodes = _write_outbox(engines[0], clock, topic)
    settings = await _settings(kafka_bootstrap, topic)
    producers = [make_producer(settings), make_producer(settings)]
    for producer in producers:
        await producer.start()
    relays = [OutboxRelay(engine, clock, poll_seconds=0.1, batch_size=25) for engine in engines]
    try:
        published = await asyncio.gather(*(_drain(r, p) for r, p in zip(relays, producers, strict=True)))
    finally:
        for producer in producers:
            await producer.stop()
    assert sum(published) == EPISODES * EVENTS and min(published) > 0, published
    _assert_each_episode_once_in_order(await read_topic(kafka_bootstrap, topic, expected=EPISODES * EVENTS), episodes)
    with Session(engines[0]) as session:
        assert session.exec(select(OutboxMessage).where(col(OutboxMessage.published_at).is_(None))).all() == []


async def test_a_relay_publishes_the_shards_another_instance_does_not_hold(
    kafka_bootstrap, topic, new_postgres_database
):
    url = new_postgres_database()
    holder_engine, engine = make_engine(url), make_engine(url)
    create_delivery_schema(engine)
    clock = ManualClock()
    relay = OutboxRelay(engine, clock, poll_seconds=0.1)
    _write_outbox(engine, clock, topic, relay)  # this instance committed the rows: handed over, not read back
    settings = await _settings(kafka_bootstrap, topic)
    producer = make_producer(settings)
    await producer.start()
    holder = Session(holder_engine)  # another instance, in the middle of a pass
    try:
        held = claim(holder, 10_000, HandedRows())
        held_shards = {row.shard for row in held.rows}
        assert held.rows and len(held_shards) == 4
        while await relay.publish_pending(producer) > 0:
            pass
        with Session(engine) as session:
            waiting = session.exec(select(OutboxMessage).where(col(OutboxMessage.published_at).is_(None))).all()
        assert {row.event_id for row in waiting} == {row.event_id for row in held.rows}  # all but the held shards
        holder.rollback()  # that instance stopped before publishing: its shards are free again
        assert await _drain(relay, producer) == len(held.rows)
    finally:
        holder.close()
        await producer.stop()
    assert len(relay.handed) == 0
    assert len(await read_topic(kafka_bootstrap, topic, expected=EPISODES * EVENTS)) == EPISODES * EVENTS


def _escalate_due(uow: UnitOfWork) -> None:
    """A sweep whose timer rows are the outbox rows written before now (due until marked), read with no row lock:
    only the sweeper's own lock keeps two instances from both firing one."""
    now = uow.clock.now()
    query = select(OutboxMessage).where(col(OutboxMessage.published_at).is_(None), OutboxMessage.created_at < now)
    for row in uow.session.exec(query).all():
        escalation = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=99, reached=False, attempts=1)
        uow.emit(escalation, episode_id=row.key.decode())
        row.published_at = now
        uow.session.add(row)


@pytest.mark.parametrize("order", ["overlapping", "one_after_the_other"])
def test_two_timer_sweepers_on_one_database_fire_each_due_timer_once(order, new_postgres_database):
    url = new_postgres_database()
    engines = [make_engine(url), make_engine(url)]
    create_delivery_schema(engines[0])
    clock = ManualClock()
    due = [uuid.uuid4() for _ in range(5)]
    with UnitOfWork(engines[0], source="/continuum/kit-test", topic="t", clock=clock) as uow:
        for episode in due:
            uow.emit(
                FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1), episode_id=episode
            )
        uow.commit()
    clock.advance(timedelta(minutes=1))
    first_holding, second_done = threading.Event(), threading.Event()

    class FirstInstanceUnitOfWork(UnitOfWork):
        def commit(self) -> None:
            first_holding.set()
            if order == "overlapping":
                second_done.wait()  # the second instance sweeps while the first is mid-transaction
            super().commit()

        def __exit__(self, *exc: object) -> None:
            first_holding.set()  # a sweep that failed never commits: don't leave the second instance waiting
            super().__exit__(*exc)

    def first() -> UnitOfWork:
        return FirstInstanceUnitOfWork(engines[0], source="/continuum/kit-test", topic="t", clock=clock)

    def second() -> UnitOfWork:
        return UnitOfWork(engines[1], source="/continuum/kit-test", topic="t", clock=clock)

    sweepers = [TimerSweeper([_escalate_due], first, interval=1), TimerSweeper([_escalate_due], second, interval=1)]
    thread = threading.Thread(target=sweepers[0].sweep_once)
    thread.start()
    first_holding.wait()
    if order == "one_after_the_other":
        thread.join()
    sweepers[1].sweep_once()
    second_done.set()
    thread.join()
    escalations = [e for e in outbox(engines[0]) if e.data.sequence == 99]
    assert sorted(e.subject for e in escalations) == sorted(str(episode) for episode in due)


def test_the_rows_handed_to_the_relay_are_copies_no_session_holds(tmp_path):
    """The relay reads the rows it is handed in its own thread, while the unit of work that wrote them may be
    rolling back or closing in another: they must be read in full at the commit and belong to no session."""
    engine = make_engine(f"sqlite:///{tmp_path / 'handed.db'}")
    create_delivery_schema(engine)
    handed: list[CommittedRow] = []
    with UnitOfWork(
        engine, source="/continuum/kit-test", topic="t", clock=ManualClock(), on_commit=handed.extend
    ) as uow:
        envelope = uow.emit(
            FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1), episode_id=uuid.uuid4()
        )
        uow.commit()
        uow.session.expire_all()  # what a later rollback does to the objects the session holds
        assert [inspect(row, raiseerr=False) for row in handed] == [None]  # plain values: no session can hold them
    assert [e.id for e in outbox(engine)] == [envelope.id]
    assert [(row.seq, from_kafka(row.key, row.value, row.kafka_headers()).id) for row in handed] == [(1, envelope.id)]
