"""The outbox relay: publishes committed outbox rows in order with the idempotent producer.

Any failure (broker or database gone, even a broker refusing the topic or this client) is retried with
backoff, jitter and a cap (``retries.py``) and the rows wait in the outbox: giving up would lose the
county's events, and a refused topic or client is the operator's to fix, for the whole outbox at once.
The one failure that belongs to a single row, a row larger than the broker takes, is not retried: the
row goes to the dead-letter topic (truncated, ``dead_letters.py``) and the rows after it flow on.

Which rows a pass takes, and the shard locks that let several instances publish at once in per-episode
order, are ``relay_claims.py``.
"""

import asyncio
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from continuum_kit.clock import Clock
from continuum_kit.dead_letters import DeadLetters
from continuum_kit.delivery import CommittedRow, OutboxMessage, PendingRow
from continuum_kit.relay_claims import Claim, HandedRows, claim
from continuum_kit.retries import TOO_LARGE, patiently
from continuum_kit.telemetry import TRACER_NAME, end_send_span, headers_for, start_send_span

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        poll_seconds: float,
        batch_size: int = 500,
        dead_letters: DeadLetters | None = None,
        tracer: trace.Tracer | None = None,
    ) -> None:
        self._engine = engine
        self._dead_letters = dead_letters
        self._tracer = tracer or trace.get_tracer(TRACER_NAME)
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.handed = HandedRows()

    def wake(self, rows: Sequence[CommittedRow] = ()) -> None:
        """Called after a commit that wrote outbox rows, from any thread, with the rows committed."""
        self.handed.add(rows)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    def stop(self) -> None:
        """Let ``run`` finish the records in flight and one whole pass begun after this call, then return.

        Cancelling the relay instead could drop the marks of records the broker already took, and the next
        start would publish them again."""
        self._stopping = True
        self._wakeup.set()

    async def run(self, producer: AIOKafkaProducer) -> None:
        self._loop = asyncio.get_running_loop()

        def retrying(exc: BaseException, delay: float) -> None:
            # Only the type: a database error's text can carry SQL parameters.
            log.warning("outbox relay: cannot publish (%s); retrying in %.1fs", type(exc).__name__, delay)

        while True:
            last = self._stopping  # seen before the pass: every row committed before stop() is in it
            async for attempt in patiently(0.2, 5.0, on_retry=retrying, retry_on=lambda _: True):
                with attempt:
                    while (await self._publish_pass(producer))[1]:
                        pass
            if last:
                return
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()

    async def publish_pending(self, producer: AIOKafkaProducer) -> int:
        """Publish one batch of unpublished rows; return how many were published."""
        return (await self._publish_pass(producer))[0]

    async def _publish_pass(self, producer: AIOKafkaProducer) -> tuple[int, bool]:
        """One batch: how many rows were published, and whether another pass may find more at once."""
        session = Session(self._engine, expire_on_commit=False)
        try:  # the thread that claims nothing, or marks what was sent, closes the session: no hop of its own
            taken = await asyncio.to_thread(self._claim, session)
            if taken.rows:
                await self._send(producer, taken.rows)
                await asyncio.to_thread(self._mark_published, session, [row.seq for row in taken.rows])
        except BaseException:
            await asyncio.to_thread(session.close)
            raise
        return len(taken.rows), taken.more

    def _claim(self, session: Session) -> Claim:
        taken = claim(session, self._batch_size, self.handed)
        if not taken.rows:
            session.close()
        return taken

    async def _send(self, producer: AIOKafkaProducer, rows: list[PendingRow]) -> None:
        """One producer span per row, a child of the span that wrote it; the record carries the
        producer span's context, and the span ends when the broker has acknowledged the record."""
        sent: list[tuple[trace.Span, asyncio.Future | None]] = []
        try:
            for row in rows:
                span = start_send_span(
                    self._tracer,
                    topic=row.topic,
                    key=row.key,
                    event_id=row.event_id,
                    event_type=row.event_type,
                    stored_headers=row.headers,
                )
                sent.append((span, None))
                try:
                    delivery = await producer.send(
                        row.topic, value=row.value, key=row.key, headers=headers_for(span, row.kafka_headers())
                    )
                except TOO_LARGE as exc:  # refused before sending: this row only
                    delivery = asyncio.get_running_loop().create_future()
                    delivery.set_exception(exc)
                sent[-1] = (span, delivery)
            results = await asyncio.gather(*(delivery for _, delivery in sent), return_exceptions=True)
        except BaseException as exc:  # the outcome of every record still in flight is unknown
            for span, _ in sent:
                end_send_span(span, exc)
            raise
        for (span, _), result in zip(sent, results, strict=True):
            end_send_span(span, result)
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, TOO_LARGE) and self._dead_letters is not None:
                await self._dead_letter(row, result)
            elif isinstance(result, BaseException):
                raise result

    async def _dead_letter(self, row: PendingRow, error: BaseException) -> None:
        log.error("outbox relay: event %s refused for its size (%s); dead-lettered", row.event_id, type(error).__name__)
        assert self._dead_letters is not None
        await self._dead_letters.publish(
            key=row.key,
            value=row.value,
            headers=row.kafka_headers(),
            reason=f"{row.event_type} too large for the broker",
            origin=(row.topic, -1, row.seq or -1),
        )

    def _mark_published(self, session: Session, seqs: list[int | None]) -> None:
        session.exec(
            update(OutboxMessage).where(col(OutboxMessage.seq).in_(seqs)).values(published_at=self._clock.now())
        )
        session.commit()
        session.close()
