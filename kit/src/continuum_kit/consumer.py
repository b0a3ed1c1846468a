"""Applies episode events to a service, a fetched batch at a time: validate, dead-letter, deduplicate, handle.

Each record is either applied exactly once (its id in the inbox, in the same transaction as the
state change and the outbox rows), ignored (a type this service does not handle), or dead-lettered
with its reason. One fetch's batch (each partition's records in offset order) is applied in ONE
database transaction, in one worker thread (``batch.py``): a savepoint per record, so that a record
whose handler raises or conflicts with stored state rolls back alone and is dead-lettered once the batch has committed,
while the records around it apply. Transient failures (database or broker briefly gone) retry the
whole batch with backoff and jitter until they pass (``retries.py``); they are never dead-lettered.
The caller commits the batch's offsets only after this returns: after the transaction and the
dead letters.

A type nobody consumes cannot hide a bad record. A record of a catalogued type this service does
not handle is still validated, in the event loop, with no span, no transaction and no thread: if
it is not a valid event, this service dead-letters it too (each consumer group that meets it
does). Validating costs about 0.09 ms a record; skipping on the ``ce_type`` header alone would
cost 0.001 ms, and would leave the guarantee to the services that handle the type.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from continuum_contracts import CATALOGUE, Envelope, InvalidEvent, from_kafka, type_name_of
from continuum_contracts.events import EventPayload
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from continuum_kit.batch import Item, Outcome, apply_batch
from continuum_kit.dead_letters import DeadLetters
from continuum_kit.delivery import UnitOfWork
from continuum_kit.retries import patiently
from continuum_kit.telemetry import TRACER_NAME, start_process_span

__all__ = ["EventConsumer", "Handler", "Handlers", "Outcome", "Record", "handled_types"]

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Envelope[Any]], None]
"""Applies one event inside a unit of work; registered for a payload class, it receives ``Envelope[ThatClass]``."""
Handlers = Mapping[type[EventPayload], Handler]
"""A service's handlers keyed by payload class from the catalogue (as cosmicpython keys ``EVENT_HANDLERS``)."""


def handled_types(handlers: Handlers) -> dict[str, Handler]:
    """The same handlers by CloudEvents type name, as records name them in ``ce_type``."""
    return {type_name_of(model): handler for model, handler in handlers.items()}


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


class EventConsumer:
    def __init__(
        self,
        name: str,
        handlers: Handlers,
        unit_of_work: Callable[[], UnitOfWork],
        dead_letters: DeadLetters,
        *,
        retry_initial: float = 0.2,
        retry_max: float = 5.0,
        tracer: trace.Tracer | None = None,
    ) -> None:
        self.name = name
        self._tracer = tracer or trace.get_tracer(TRACER_NAME)
        self._handlers = handled_types(handlers)
        self._unit_of_work = unit_of_work
        self._dead_letters = dead_letters
        self._retry_initial = retry_initial
        self._retry_max = retry_max

    async def process(self, record: Record) -> Outcome:
        """One record, as a batch of one."""
        [outcome] = await self.process_batch([record])
        return outcome

    async def process_batch(self, records: Sequence[Record]) -> list[Outcome]:
        """One partition's records, in offset order; their outcomes, in the same order."""
        slots: list[Item | None] = []
        for record in records:
            if self._known_but_unhandled(record) and _readable(record):
                slots.append(None)  # ignored, with no span: most records on the topic are for other services
            else:
                slots.append(self._item(record))
        items = [item for item in slots if item is not None]
        try:
            to_apply = [item for item in items if item.envelope is not None and item.handler is not None]
            if to_apply:
                await self._apply(to_apply)
            for item in items:
                if item.reason is not None:
                    item.outcome = await self._dead_letter(item.record, item.reason)
        finally:
            for item in items:
                _end_span(item)
        return [Outcome.IGNORED if item is None else item.outcome for item in slots]

    def _item(self, record: Record) -> Item:
        span = start_process_span(
            self._tracer,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            headers=record.headers,
            consumer_group=self.name,
        )
        item = Item(record=record, span=span)
        try:
            envelope = from_kafka(record.key, record.value, record.headers)
        except InvalidEvent as invalid:
            item.reason = invalid.reason
            return item
        span.set_attributes(
            {
                "messaging.message.id": envelope.id,
                "cloudevents.event_id": envelope.id,
                "cloudevents.event_type": envelope.type,
            }
        )
        item.envelope, item.handler = envelope, self._handlers.get(envelope.type)
        return item

    async def _apply(self, items: list[Item]) -> None:
        """The batch in one transaction, retried while it fails transiently; if it fails otherwise as a whole
        (not in one record's savepoint), each record is applied in a transaction of its own."""

        def retrying(exc: BaseException, delay: float) -> None:
            for item in items:
                item.span.add_event("retry", {"error.type": type(exc).__name__})
            log.warning(
                "%s: transient failure applying %d events (%s); retrying in %.1fs",
                self.name,
                len(items),
                type(exc).__name__,
                delay,
            )

        try:
            async for attempt in patiently(self._retry_initial, self._retry_max, on_retry=retrying):
                with attempt:
                    await asyncio.to_thread(apply_batch, self._unit_of_work, self.name, items)
        except Exception as exc:  # noqa: BLE001 - not transient (patiently raised it at once): isolate it
            if len(items) > 1:
                for item in items:
                    await self._apply([item])
                return
            [item] = items
            assert item.envelope is not None
            log.error("%s: event %s could not be applied: %s", self.name, item.envelope.id, type(exc).__name__)
            item.reason = f"{item.envelope.type} could not be applied: {type(exc).__name__}"

    def _known_but_unhandled(self, record: Record) -> bool:
        """A catalogued type this service does not handle is skipped unless it is not a valid event."""
        event_type = next((v for k, v in record.headers if k == "ce_type"), b"").decode(errors="replace")
        return event_type in CATALOGUE and event_type not in self._handlers

    async def _dead_letter(self, record: Record, reason: str) -> Outcome:
        log.warning("%s: dead-lettering %s/%d/%d: %s", self.name, record.topic, record.partition, record.offset, reason)

        def retrying(exc: BaseException, delay: float) -> None:
            error = type(exc).__name__
            log.warning("%s: dead-letter topic unavailable (%s); retrying in %.1fs", self.name, error, delay)

        try:
            async for attempt in patiently(self._retry_initial, self._retry_max, on_retry=retrying):
                with attempt:
                    await self._dead_letters.publish(
                        key=record.key,
                        value=record.value,
                        headers=record.headers,
                        reason=reason,
                        origin=(record.topic, record.partition, record.offset),
                    )
        except Exception as exc:  # noqa: BLE001 - refused for good (authorisation, invalid topic): never retried
            log.error(
                "%s: cannot dead-letter %s/%d/%d (%s); skipped, it stays on its topic",
                self.name,
                record.topic,
                record.partition,
                record.offset,
                type(exc).__name__,
            )
            return Outcome.UNRECORDED
        return Outcome.DEAD_LETTERED


def _end_span(item: Item) -> None:
    item.span.set_attribute("continuum.outcome", item.outcome.value)
    if item.outcome in (Outcome.DEAD_LETTERED, Outcome.UNRECORDED):
        item.span.set_attribute("error.type", "dead_lettered")
        item.span.set_status(Status(StatusCode.ERROR))
    item.span.end()


def _readable(record: Record) -> bool:
    """A valid event (envelope, JSON, payload schema), whichever service it is for."""
    try:
        from_kafka(record.key, record.value, record.headers)
    except InvalidEvent:
        return False
    return True
