"""The outbox relay: publishes committed outbox rows in order with the idempotent producer."""

import asyncio
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry import propagate, trace
from sqlalchemy import Engine, text, update
from sqlmodel import Session, col, select

from continuum_kit.clock import Clock
from continuum_kit.delivery import OutboxMessage

log = logging.getLogger(__name__)
tracer = trace.get_tracer("continuum.relay")
RELAY_LOCK_KEY = 0x636F6E74  # any constant: the lock is per database, and each service has its own


class OutboxRelay:
    def __init__(self, engine: Engine, clock: Clock, *, poll_seconds: float, batch_size: int = 500) -> None:
        self._engine = engine
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wakeup = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows, from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self, producer: AIOKafkaProducer) -> None:
        self._loop = asyncio.get_running_loop()
        backoff = 0.2
        while True:
            try:
                while await self.publish_pending(producer) == self._batch_size:
                    pass
                backoff = 0.2
            except (TimeoutError, KafkaError, OSError) as exc:
                log.warning("outbox relay: broker unavailable (%s); retrying in %.1fs", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except Exception as exc:  # noqa: BLE001 - keep relaying; only the type is logged, never SQL parameters
                log.warning("outbox relay: database error (%s); retrying in %.1fs", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()

    async def publish_pending(self, producer: AIOKafkaProducer) -> int:
        """Publish one batch of unpublished rows; return how many were published."""
        session = Session(self._engine, expire_on_commit=False)
        try:
            rows = await asyncio.to_thread(self._claim, session)
            if rows:
                await self._send(producer, rows)
                await asyncio.to_thread(self._mark_published, session, [row.seq for row in rows])
            return len(rows)
        finally:
            await asyncio.to_thread(session.close)

    async def _send(self, producer: AIOKafkaProducer, rows: list[OutboxMessage]) -> None:
        deliveries = []
        for row in rows:
            with tracer.start_as_current_span(
                f"send {row.topic}",
                context=propagate.extract({name: value for name, value in row.headers}),
                kind=trace.SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "send",
                    "messaging.destination.name": row.topic,
                    "messaging.message.id": row.event_id,
                    "continuum.event_type": row.event_type,
                    "continuum.episode_id": row.key.decode(),
                },
            ):
                deliveries.append(
                    await producer.send(row.topic, value=row.value, key=row.key, headers=row.kafka_headers())
                )
        await asyncio.gather(*deliveries)

    def _claim(self, session: Session) -> list[OutboxMessage]:
        if self._engine.dialect.name == "postgresql":
            # Instances of one service share its database: one relay at a time publishes, for the
            # whole batch, so that an episode's events reach Kafka in the order they were decided.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RELAY_LOCK_KEY})
        query = (
            select(OutboxMessage)
            .where(col(OutboxMessage.published_at).is_(None))
            .order_by(col(OutboxMessage.seq))
            .limit(self._batch_size)
        )
        rows = list(session.exec(query).all())
        if self._engine.dialect.name != "postgresql":
            session.commit()  # SQLite: one process per file; don't hold its single write lock while sending
        return rows

    def _mark_published(self, session: Session, seqs: list[int | None]) -> None:
        session.exec(
            update(OutboxMessage).where(col(OutboxMessage.seq).in_(seqs)).values(published_at=self._clock.now())
        )
        session.commit()
