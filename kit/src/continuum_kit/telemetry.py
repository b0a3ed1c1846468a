"""Tracing and logging: one tracer provider per service process, exported over OTLP when configured.

A partner's request is one trace: the HTTP server span, the handler's database statements, one
``send`` span per outbox row the relay publishes (a child of the span that wrote the row), and one
``process`` span per record a consumer applies (a child of the ``send`` span whose context the record
carries), and so on down the chain. Spans carry codes and pseudonymous ids, never PHI: statements
carry placeholders only, and :class:`PrivacyFilter` removes, before export, what an instrumentation
could copy from a request or an exception (query strings, headers, exception messages, status texts).

Without an endpoint nothing is recorded (the sampler drops every span), so tracing costs almost
nothing; trace context still travels on the records, so logs can still be correlated.
"""

import logging
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from continuum_contracts.envelope import TRACE_HEADERS
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.util.types import Attributes
from sqlalchemy import Engine

_provider: TracerProvider | None = None
_exporting = False
_traced_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()
TRACER_NAME = "continuum"

# ---------------------------------------------------------------------------------------------
# Provider


class _NoOrphanClientSpans(Sampler):
    """Root sampler: a client span with no parent (a relay poll, a timer sweep, a health probe's
    ``SELECT 1``) belongs to no partner's request, so it is not recorded; everything else is."""

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        sampler = ALWAYS_OFF if kind == SpanKind.CLIENT else ALWAYS_ON
        return sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return "NoOrphanClientSpans"


def setup_tracing(service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Install the process-wide tracer provider (once); spans go to ``{otlp_endpoint}/v1/traces``.

    The batch processor reads the standard ``OTEL_BSP_*`` variables (e.g. ``OTEL_BSP_SCHEDULE_DELAY``).
    """
    global _provider, _exporting
    if _provider is None:
        resource = Resource.create({"service.name": f"continuum-{service_name}", "service.namespace": "continuum"})
        if otlp_endpoint:
            _provider = TracerProvider(resource=resource, sampler=ParentBased(root=_NoOrphanClientSpans()))
            exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
            _provider.add_span_processor(BatchSpanProcessor(PrivacyFilter(exporter)))
            _exporting = True
        else:
            _provider = TracerProvider(resource=resource, sampler=ALWAYS_OFF)
        trace.set_tracer_provider(_provider)
    return _provider


def exporting() -> bool:
    """Whether this process's spans go anywhere (an OTLP endpoint was configured)."""
    return _exporting


def trace_database(engine: Engine, provider: TracerProvider) -> None:
    """Client spans for the engine's statements (text with placeholders, never the bound values).

    The SQLAlchemy instrumentation's engine tracer is attached to this engine only. Its instrumentor
    is not used: it patches ``create_engine`` and ``Engine.connect`` process-wide, declares
    SQLAlchemy < 2.1, and on 2.1 fails importing the asyncio extension without greenlet.
    """
    if not _exporting or engine in _traced_engines:
        return  # nothing would be recorded: spare the per-statement hooks
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    usage = NoOpMeterProvider().get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"), engine, usage)
    _traced_engines.add(engine)


# ---------------------------------------------------------------------------------------------
# Messaging spans (OpenTelemetry messaging semantic conventions, Kafka)


def _episode_id(key: bytes | None) -> str | None:
    """The record key when it is an episode id (a UUID): pseudonymous, so it may go on a span."""
    if not key:
        return None
    try:
        return str(UUID(key.decode()))
    except (UnicodeDecodeError, ValueError):
        return None


def _trace_carrier(headers: Sequence[tuple[str, bytes]] | Sequence[Sequence[str]]) -> dict[str, str]:
    carrier = {}
    for name, value in headers:
        if name in TRACE_HEADERS:
            carrier[name] = value.decode(errors="replace") if isinstance(value, bytes) else value
    return carrier


def start_send_span(
    tracer: trace.Tracer,
    *,
    topic: str,
    key: bytes,
    event_id: str,
    event_type: str,
    stored_headers: Sequence[Sequence[str]],
) -> trace.Span:
    """A producer span for one outbox row, a child of the span that wrote the row."""
    attributes: dict[str, str] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "send",
        "messaging.operation.name": "send",
        "messaging.destination.name": topic,
        "messaging.message.id": event_id,
        "cloudevents.event_id": event_id,
        "cloudevents.event_type": event_type,
    }
    if episode_id := _episode_id(key):
        attributes |= {"messaging.kafka.message.key": episode_id, "continuum.episode_id": episode_id}
    return tracer.start_span(
        f"send {topic}",
        context=propagate.extract(_trace_carrier(stored_headers)),
        kind=SpanKind.PRODUCER,
        attributes=attributes,
        record_exception=False,
    )


def headers_for(span: trace.Span, headers: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The record's headers with the trace context replaced by the producer span's own."""
    carrier: dict[str, str] = {}
    propagate.get_global_textmap().inject(carrier, context=trace.set_span_in_context(span))
    kept = [(name, value) for name, value in headers if name not in TRACE_HEADERS]
    return kept + [(name, value.encode()) for name, value in carrier.items() if name in TRACE_HEADERS]


def end_send_span(span: trace.Span, result: object) -> None:
    """Record where the record landed (``RecordMetadata``), or the failure's type, and end the span."""
    if isinstance(result, BaseException):
        span.set_attribute("error.type", type(result).__name__)
        span.set_status(Status(StatusCode.ERROR))
    elif result is not None and span.is_recording():
        span.set_attribute("messaging.destination.partition.id", str(result.partition))
        span.set_attribute("messaging.kafka.offset", result.offset)
    span.end()


def start_process_span(
    tracer: trace.Tracer,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    headers: Sequence[tuple[str, bytes]],
    consumer_group: str,
) -> trace.Span:
    """A consumer span for one record, a child of the producer span whose context the record carries.

    Not made current here: the worker applying the record's batch enters it (``trace.use_span``) around
    the record's handler, so that its statements and the outbox rows it writes happen inside it; it is
    ended once the record's outcome is known (after the batch commits, after any dead letter).
    """
    attributes: dict[str, str | int] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": str(partition),
        "messaging.kafka.offset": offset,
        "messaging.consumer.group.name": consumer_group,
    }
    if episode_id := _episode_id(key):
        attributes |= {"messaging.kafka.message.key": episode_id, "continuum.episode_id": episode_id}
    return tracer.start_span(
        f"process {topic}",
        context=propagate.extract(_trace_carrier(headers)),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    )


# ---------------------------------------------------------------------------------------------
# The privacy filter: what leaves the process


_QUERY = re.compile(r"\?.*$", re.DOTALL)
_DROPPED_ATTRIBUTES = ("url.query", "http.request.header.", "http.response.header.")
_URL_ATTRIBUTES = ("http.url", "url.full", "http.target")


def _scrub_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in (attributes or {}).items():
        if name.startswith(_DROPPED_ATTRIBUTES):
            continue
        if name in _URL_ATTRIBUTES and isinstance(value, str):
            value = _QUERY.sub("", value)
        clean[name] = value
    return clean


def _scrub_event(event: Event) -> Event:
    if event.name != "exception":
        return Event(event.name, _scrub_attributes(event.attributes), event.timestamp)
    # Only the type: an exception's message (a database error's DETAIL, a parser's complaint)
    # can quote the values that caused it.
    exception_type = (event.attributes or {}).get("exception.type", "")
    return Event(event.name, {"exception.type": exception_type}, event.timestamp)


def scrub(span: ReadableSpan) -> ReadableSpan:
    """The span as it may leave the process: no query strings, headers, exception texts or status texts."""
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_scrub_attributes(span.attributes),
        events=[_scrub_event(event) for event in span.events],
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class PrivacyFilter(SpanExporter):
    """Wraps the exporter; runs on the batch processor's thread, off the request path."""

    def __init__(self, exporter: SpanExporter) -> None:
        self._exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._exporter.export([scrub(span) for span in spans])

    def shutdown(self) -> None:
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._exporter.force_flush(timeout_millis)


# ---------------------------------------------------------------------------------------------
# Logs

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [trace_id=%(otelTraceID)s span_id=%(otelSpanID)s] %(message)s"


def setup_logging(level: str = "INFO") -> None:
    """Plain structured-enough logs with the current trace and span ids; callers log codes and
    pseudonymous ids only, never PHI."""
    from opentelemetry.instrumentation.logging import LoggingInstrumentor

    instrumentor = LoggingInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        # Ids on every record only; log records are not exported.
        instrumentor.instrument(inject_trace_context=True, enable_log_auto_instrumentation=False)
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
