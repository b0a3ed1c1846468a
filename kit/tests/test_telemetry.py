"""Spans the kit makes, in process: the chain request -> outbox -> send -> process -> outbox, and the
privacy filter that every exported span passes through."""

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from continuum_contracts.events import EpisodeClosedV1, FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.consumer import EventConsumer, Outcome, Record
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, UnitOfWork
from continuum_kit.relay import OutboxRelay
from continuum_kit.telemetry import PrivacyFilter, trace_database
from continuum_kit.testing import create_delivery_schema
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlmodel import Session, col, select


@pytest.fixture
def exported():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(PrivacyFilter(exporter)))
    return provider, exporter


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kit.db'}")
    create_delivery_schema(engine)
    return engine


class AckingProducer:
    """Stands in for the idempotent producer: keeps what was sent, acknowledges at once."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def send(self, topic, *, value, key, headers):
        self.sent.append({"topic": topic, "key": key, "value": value, "headers": dict(headers)})
        delivered = asyncio.get_running_loop().create_future()
        delivered.set_result(SimpleNamespace(partition=3, offset=len(self.sent) - 1))
        return delivered


def _ids(traceparent: bytes | str) -> tuple[str, str]:
    parts = (traceparent.decode() if isinstance(traceparent, bytes) else traceparent).split("-")
    return parts[1], parts[2]


async def test_each_hop_is_the_child_of_the_one_before(engine, exported):
    provider, exporter = exported
    tracer = provider.get_tracer("test")
    clock = ManualClock()

    def unit_of_work() -> UnitOfWork:
        return UnitOfWork(engine, source="/continuum/test", topic="t", clock=clock)

    def follow_up(uow, envelope):
        uow.emit(
            FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1),
            episode_id=envelope.subject,
        )

    relay = OutboxRelay(engine, clock, poll_seconds=0.1, tracer=tracer)
    producer = AckingProducer()
    episode = uuid.uuid4()

    with tracer.start_as_current_span("POST /v1/contacts", kind=SpanKind.SERVER) as request:
        with unit_of_work() as uow:
            uow.emit(EpisodeClosedV1(reason="plan_complete"), episode_id=episode)
            uow.commit()
    assert await relay.publish_pending(producer) == 1
    record = producer.sent[0]

    handlers = {EpisodeClosedV1: follow_up}
    consumer = EventConsumer("g-followup", handlers, unit_of_work, None, tracer=tracer)
    headers = list(record["headers"].items())
    assert await consumer.process(Record("t", 3, 0, record["key"], record["value"], headers)) == Outcome.APPLIED
    assert await relay.publish_pending(producer) == 1

    spans = {span.context.span_id: span for span in exporter.get_finished_spans()}
    first_send, second_send = (s for s in spans.values() if s.kind == SpanKind.PRODUCER)
    [process] = [s for s in spans.values() if s.kind == SpanKind.CONSUMER]
    # request -> send -> process -> send, one trace, and each record carries its own send span.
    assert first_send.parent.span_id == request.get_span_context().span_id
    assert process.parent.span_id == first_send.context.span_id
    assert second_send.parent.span_id == process.context.span_id
    assert len({s.context.trace_id for s in spans.values()}) == 1
    assert _ids(record["headers"]["traceparent"])[1] == format(first_send.context.span_id, "016x")
    assert _ids(producer.sent[1]["headers"]["traceparent"])[1] == format(second_send.context.span_id, "016x")

    assert first_send.name == "send t"
    assert first_send.attributes["messaging.operation.type"] == "send"
    assert first_send.attributes["messaging.destination.partition.id"] == "3"
    assert first_send.attributes["continuum.episode_id"] == str(episode)
    assert process.name == "process t"
    assert process.attributes["messaging.consumer.group.name"] == "g-followup"
    assert process.attributes["messaging.message.id"] == first_send.attributes["messaging.message.id"]
    assert process.attributes["cloudevents.event_type"] == "continuum.episode.closed.v1"
    assert process.attributes["continuum.outcome"] == "applied"

    # The outbox row keeps the context of the span that wrote it, not the record's.
    with Session(engine) as session:
        stored = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.seq))).all()
    assert _ids(dict(stored[1].headers)["traceparent"])[1] == format(process.context.span_id, "016x")


async def test_statements_are_traced_with_placeholders_only(engine, exported, monkeypatch):
    provider, exporter = exported
    monkeypatch.setattr("continuum_kit.telemetry._exporting", True)
    trace_database(engine, provider)
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("request"):
        with UnitOfWork(engine, source="/continuum/test", topic="t", clock=ManualClock()) as uow:
            uow.mark_processed("consumer-with-a-name", "event-7f3c")
            uow.commit()
    statements = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT]
    texts = [s.attributes.get("db.statement") or s.attributes.get("db.query.text") for s in statements]
    assert any(text.startswith("INSERT INTO processed_event") for text in texts)
    assert not [t for t in texts if "consumer-with-a-name" in t or "event-7f3c" in t]


def test_exported_spans_carry_no_query_header_or_exception_text(exported):
    provider, exporter = exported
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(
        "GET /v1/x",
        kind=SpanKind.SERVER,
        attributes={
            "http.url": "http://h/v1/x?name=Avery",
            "http.target": "/v1/x?name=Avery",
            "url.query": "name=Avery",
            "http.request.header.authorization": ("Basic c2VjcmV0",),
            "http.route": "/v1/x",
        },
        record_exception=False,
    ) as span:
        span.record_exception(ValueError("DETAIL: Key (phone)=(555-201-3344) already exists"))
        span.set_status(Status(StatusCode.ERROR, "duplicate key 555-201-3344"))
    [exported_span] = exporter.get_finished_spans()
    assert dict(exported_span.attributes) == {
        "http.url": "http://h/v1/x",
        "http.target": "/v1/x",
        "http.route": "/v1/x",
    }
    [event] = exported_span.events
    assert (event.name, dict(event.attributes)) == ("exception", {"exception.type": "ValueError"})
    assert exported_span.status.status_code == StatusCode.ERROR and not exported_span.status.description
