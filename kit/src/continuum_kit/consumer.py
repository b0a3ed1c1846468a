"""Applies episode events to a service: validate, dead-letter, deduplicate, handle, retry.

Each record is either applied exactly once (its id in the inbox, in the same transaction as
the state change and the outbox rows), ignored (a type this service does not handle),
or dead-lettered with its reason. Transient failures (database or broker briefly gone) are
retried with backoff and jitter until they pass (``retries.py``); they are never dead-lettered.
A record of a catalogued type this service does not handle is still read: if it is not a valid
event, this service dead-letters it too, so that a type nobody consumes cannot hide a bad record.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from continuum_contracts import CATALOGUE, Envelope, InvalidEvent, from_kafka, type_name_of
from continuum_contracts.events import EventPayload
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from sqlalchemy.exc import IntegrityError

from continuum_kit.dead_letters import DeadLetters
from continuum_kit.delivery import ProcessedEvent, UnitOfWork
from continuum_kit.retries import patiently
from continuum_kit.telemetry import TRACER_NAME, start_process_span

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Envelope[Any]], None]
"""Applies one event inside a unit of work; registered for a payload class, it receives ``Envelope[ThatClass]``."""
Handlers = Mapping[type[EventPayload], Handler]
"""A service's handlers keyed by payload class from the catalogue (as cosmicpython keys ``EVENT_HANDLERS``)."""


def handled_types(handlers: Handlers) -> dict[str, Handler]:
    """The same handlers by CloudEvents type name, as records name them in ``ce_type``."""
    return {type_name_of(model): handler for model, handler in handlers.items()}


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"
    UNRECORDED = "unrecorded"  # could not be dead-lettered either (the broker refuses it for good): logged, skipped


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
        if self._known_but_unhandled(record) and _readable(record):
            return Outcome.IGNORED  # no span: most records on the topic are for other services
        # The handler's statements and the outbox rows it writes happen inside this span, so the
        # events it publishes continue the trace of the record that caused them.
        with start_process_span(
            self._tracer,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            headers=record.headers,
            consumer_group=self.name,
        ) as span:
            outcome = await self._process(record, span)
            span.set_attribute("continuum.outcome", outcome.value)
            if outcome in (Outcome.DEAD_LETTERED, Outcome.UNRECORDED):
                span.set_attribute("error.type", "dead_lettered")
                span.set_status(Status(StatusCode.ERROR))
            return outcome

    async def _process(self, record: Record, span: trace.Span) -> Outcome:
        try:
            envelope = from_kafka(record.key, record.value, record.headers)
        except InvalidEvent as invalid:
            return await self._dead_letter(record, invalid.reason)
        span.set_attributes(
            {
                "messaging.message.id": envelope.id,
                "cloudevents.event_id": envelope.id,
                "cloudevents.event_type": envelope.type,
            }
        )
        handler = self._handlers.get(envelope.type)
        if handler is None:
            return Outcome.IGNORED
        return await self._handle(record, envelope, handler, span)

    async def _handle(self, record: Record, envelope: Envelope, handler: Handler, span: trace.Span) -> Outcome:
        def retrying(exc: BaseException, delay: float) -> None:
            span.add_event("retry", {"error.type": type(exc).__name__})
            log.warning(
                "%s: transient failure on event %s (%s); retrying in %.1fs",
                self.name,
                envelope.id,
                type(exc).__name__,
                delay,
            )

        try:
            async for attempt in patiently(self._retry_initial, self._retry_max, on_retry=retrying):
                with attempt:
                    applied = await asyncio.to_thread(self._apply, handler, envelope)
        except IntegrityError:
            if await asyncio.to_thread(self._was_processed, envelope.id):
                return Outcome.DUPLICATE
            return await self._dead_letter(record, f"{envelope.type} conflicts with stored state")
        except Exception as exc:  # noqa: BLE001 - a handler bug must not stop the stream
            # Only the exception's type: its text could quote stored personal data.
            log.error(
                "%s: handler for %s failed on event %s: %s", self.name, envelope.type, envelope.id, type(exc).__name__
            )
            return await self._dead_letter(record, f"{envelope.type} handler failed: {type(exc).__name__}")
        return Outcome.APPLIED if applied else Outcome.DUPLICATE

    def _known_but_unhandled(self, record: Record) -> bool:
        """A catalogued type this service does not handle is skipped unparsed: its consumers validate it."""
        event_type = next((v for k, v in record.headers if k == "ce_type"), b"").decode(errors="replace")
        return event_type in CATALOGUE and event_type not in self._handlers

    def _apply(self, handler: Handler, envelope: Envelope) -> bool:
        with self._unit_of_work() as uow:
            if uow.already_processed(self.name, envelope.id):
                return False
            handler(uow, envelope)
            uow.commit()
            return True

    def _was_processed(self, event_id: str) -> bool:
        with self._unit_of_work() as uow:
            return uow.session.get(ProcessedEvent, (self.name, event_id)) is not None

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


def _readable(record: Record) -> bool:
    """A valid event (envelope, JSON, payload schema), whichever service it is for."""
    try:
        from_kafka(record.key, record.value, record.headers)
    except InvalidEvent:
        return False
    return True
