"""The relay's cost per row: rows a unit of work handed over in memory against rows read back from the outbox,
and one relay against two on one PostgreSQL database. Run: ``uv run python bench/relay_passes.py URL BOOTSTRAP``
(URL a fresh database, ``sqlite:///...`` or ``postgresql+psycopg://...``); prints rows/s, best of three rounds."""

import asyncio
import sys
import time
import uuid

from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.delivery import UnitOfWork
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.relay import OutboxRelay
from continuum_kit.settings import ServiceSettings
from continuum_kit.testing import create_delivery_schema
from sqlalchemy import text

ROWS = 3000


def write(engine, clock, topic, relays, handed: bool) -> None:
    episodes = [uuid.uuid4() for _ in range(300)]
    for start in range(0, ROWS, 10):
        wake = relays[0].wake if handed else None
        with UnitOfWork(engine, source="/continuum/bench", topic=topic, clock=clock, on_commit=wake) as uow:
            for i in range(start, start + 10):
                payload = FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1 + i, reached=True, attempts=1)
                uow.emit(payload, episode_id=episodes[i % 300])
            uow.commit()


async def drain(relay, producer) -> None:
    while await relay.publish_pending(producer) > 0:
        pass


async def main(url: str, bootstrap: str) -> None:
    topic = f"bench.relay.{uuid.uuid4().hex[:8]}"
    settings = ServiceSettings(service_name="bench", kafka_bootstrap=bootstrap, episode_topic=topic)
    await ensure_topics(settings)
    engine, other = make_engine(url), make_engine(url)
    create_delivery_schema(engine)
    clock = ManualClock()
    producers = [make_producer(settings), make_producer(settings)]
    for producer in producers:
        await producer.start()
    cases = [("read back, one relay", False, 1), ("handed over, one relay", True, 1)]
    if engine.dialect.name == "postgresql":
        cases += [("read back, two relays", False, 2), ("handed over, two relays", True, 2)]
    for name, handed, count in cases:
        best = 0.0
        for _ in range(3):
            relays = [OutboxRelay(e, clock, poll_seconds=1) for e in (engine, other)[:count]]
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("DELETE FROM outbox"))  # each round on an empty, vacuumed outbox
                if engine.dialect.name == "postgresql":
                    connection.execute(text("VACUUM outbox"))
            write(engine, clock, topic, relays, handed)
            started = time.perf_counter()
            await asyncio.gather(*(drain(r, p) for r, p in zip(relays, producers, strict=False)))
            best = max(best, ROWS / (time.perf_counter() - started))
        print(f"{engine.dialect.name}: {name}: {best:.0f} rows/s")
    for producer in producers:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
