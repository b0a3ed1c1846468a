"""The CloudEvents 1.0 envelope in Kafka binary mode: ``ce_*`` headers, key = episode id.

Conversion to and from Kafka records goes through the CloudEvents SDK; this module adds
what Continuum requires on top: a known type, a payload that validates against its model,
an episode id as subject and key, and W3C trace context carried beside the attributes.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

from continuum_contracts.catalogue import event_type_of, model_for
from continuum_contracts.events import EventPayload

TRACE_HEADERS = ("traceparent", "tracestate")
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion", "ce_subject")
_FORMAT = JSONFormat()
P = TypeVar("P", bound=EventPayload)


class InvalidEvent(ValueError):
    """A record that is not a Continuum event; ``reason`` says why, for the dead-letter topic."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Envelope(Generic[P]):
    """One event: its CloudEvents attributes and its payload, typed by the payload's class (``Envelope[P]``)."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    data: P
    trace: dict[str, str] = field(default_factory=dict)

    @classmethod
    def new(
        cls,
        payload: P,
        *,
        episode_id: UUID | str,
        source: str,
        time: datetime | None = None,
        trace: dict[str, str] | None = None,
    ) -> "Envelope[P]":
        return cls(
            id=str(uuid.uuid4()),
            type=event_type_of(payload),
            source=source,
            subject=str(episode_id),
            time=time or datetime.now(UTC),
            data=payload,
            trace=dict(trace or {}),
        )

    @property
    def episode_id(self) -> UUID:
        return UUID(self.subject)


@dataclass(frozen=True)
class KafkaRecord:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def to_kafka(envelope: Envelope) -> KafkaRecord:
    event = CloudEvent(
        attributes={
            "id": envelope.id,
            "source": envelope.source,
            "type": envelope.type,
            "specversion": "1.0",
            "subject": envelope.subject,
            "time": envelope.time,
            "datacontenttype": "application/json",
            "partitionkey": envelope.subject,
        },
        data=envelope.data.model_dump(mode="json"),
    )
    message = to_binary(event, _FORMAT)
    headers = [(name, value) for name, value in message.headers.items() if name != "ce_partitionkey"]
    headers += [(name, value.encode()) for name, value in envelope.trace.items() if name in TRACE_HEADERS]
    return KafkaRecord(key=envelope.subject.encode(), value=message.value, headers=headers)


def _header_dict(headers: list[tuple[str, bytes]] | dict[str, bytes | str]) -> dict[str, bytes]:
    items = headers.items() if isinstance(headers, dict) else headers
    return {name: value if isinstance(value, bytes) else str(value).encode() for name, value in items}


def from_kafka(
    key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]] | dict[str, bytes | str]
) -> Envelope:
    """Parse and validate one record; raise :class:`InvalidEvent` with the reason if it is not valid."""
    header_map = _header_dict(headers)
    ce_headers = {k: v for k, v in header_map.items() if k.lower().startswith("ce_") or k.lower() == "content-type"}
    missing = [name for name in REQUIRED_HEADERS if name not in ce_headers]
    if missing:
        raise InvalidEvent(f"not a CloudEvent in binary mode: missing header(s) {', '.join(missing)}")
    try:
        json.loads(value or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"payload is not valid JSON ({exc})") from None
    try:
        event = from_binary(KafkaMessage(headers=ce_headers, key=key, value=value or b""), _FORMAT)
    except (BaseCloudEventException, ValueError, TypeError) as exc:
        raise InvalidEvent(f"invalid CloudEvents attributes: {exc}") from None
    if event.get_specversion() != "1.0":
        raise InvalidEvent(f"unsupported specversion {event.get_specversion()!r}")
    event_type = event.get_type()
    model = model_for(event_type)
    if model is None:
        raise InvalidEvent(f"unknown event type {event_type!r}")
    subject = event.get_subject()
    try:
        episode_id = str(UUID(subject or ""))
    except ValueError:
        raise InvalidEvent("ce_subject must be the episode id (a UUID)") from None
    if key is not None and key.decode(errors="replace") != episode_id:
        raise InvalidEvent("record key does not match ce_subject (the episode id)")
    data = event.get_data()
    if not isinstance(data, dict):
        raise InvalidEvent("payload must be a JSON object")
    try:
        payload = model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in exc.errors())
        raise InvalidEvent(f"payload does not match {event_type}: {problems}") from None
    trace = {name: header_map[name].decode(errors="replace") for name in TRACE_HEADERS if name in header_map}
    return Envelope(
        id=event.get_id(),
        type=event_type,
        source=event.get_source(),
        subject=episode_id,
        time=event.get_time() or datetime.now(UTC),
        data=payload,
        trace=trace,
    )
