"""Traces as an operator sees them in a trace backend: the four services export over OTLP/HTTP to a
real receiver, and a partner's request is one trace, hop after hop, with no personal data in it."""

import asyncio
import random
import re
from collections import defaultdict

import pytest
from continuum_kit.testing_otlp import OtlpReceiver, ReceivedSpan
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_911_call
from continuum_sim.stack import SERVICES, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


def _start(stack: Stack) -> None:
    """As ``Stack.start``, with more patience: four service processes on two shared cores start slowly."""
    for service in stack.services.values():
        service.start()
    for service in stack.services.values():
        service.wait_healthy(timeout=180)


def _phi(contact: dict) -> list[str]:
    """Every personal value the partner sent, in the forms a leak could take."""
    caller = contact["caller"]
    values = [caller["name"], caller["phone"], caller["date_of_birth"], caller["address"], contact["note"]]
    values += [re.sub(r"\D", "", caller["phone"]), caller["name"].lower(), caller["address"].lower()]
    values += [caller["name"].split()[-1], caller["date_of_birth"].replace("-", "")]
    return values


def _strings(span: ReceivedSpan) -> list[str]:
    texts = [span.name, span.status_message]
    for mapping in [span.attributes, span.resource, *(attributes for _, attributes in span.events)]:
        texts += [str(key) for key in mapping] + [str(value) for value in mapping.values()]
    texts += [name for name, _ in span.events]
    return texts


def _statement(span: ReceivedSpan) -> str:
    return str(span.attributes.get("db.statement") or span.attributes.get("db.query.text"))


def _ancestors(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> list[ReceivedSpan]:
    chain = []
    while span.parent_span_id is not None:
        span = by_id[span.parent_span_id]
        chain.append(span)
    return chain


def _depth(span: ReceivedSpan, by_id: dict[str, ReceivedSpan]) -> int:
    return len(_ancestors(span, by_id)) + 1


async def test_a_partner_request_is_one_trace_across_services_and_no_personal_data_reaches_telemetry(
    kafka_bootstrap, topic, tmp_path
):
    scenario = homeless_911_call(random.Random(11))
    with OtlpReceiver() as receiver:
        stack = Stack(
            kafka_bootstrap,
            tmp_path / "stack",
            topic=topic,
            group_prefix=topic,
            otlp_endpoint=receiver.endpoint,
            extra_env={"OTEL_BSP_SCHEDULE_DELAY": "200"},
        )
        try:
            await asyncio.to_thread(_start, stack)
            async with Partners(kafka_bootstrap, topic, stack.urls, admin_token=stack.admin_token) as partners:
                journey = await partners.post(scenario)
                assert await partners.wait_closed([journey.episode_id], timeout=90) == []
                assert await eventually(lambda: {"handoff.completed", "referral.result"} <= set(journey.order()))

                def every_event_sent_and_processed() -> bool:
                    spans = receiver.snapshot()
                    sent = {s.attributes.get("messaging.message.id") for s in spans if s.kind == "PRODUCER"}
                    processed = {s.attributes.get("messaging.message.id") for s in spans if s.kind == "CONSUMER"}
                    closed = journey.closed.id
                    return {e.id for e in journey.events} <= sent and closed in processed

                assert await eventually(every_event_sent_and_processed, timeout=30)
                secrets = [stack.admin_token, *(secret for _, secret in partners._credentials.values())]
        finally:
            await asyncio.to_thread(stack.stop)  # each service flushes its spans as it stops
        spans = receiver.snapshot()
        bodies = list(receiver.bodies)

    by_id = {span.span_id: span for span in spans}
    traces: dict[str, list[ReceivedSpan]] = defaultdict(list)
    for span in spans:
        traces[span.trace_id].append(span)

    # Each service reports under its own name.
    assert {span.service for span in spans} == {f"continuum-{name}" for name in SERVICES}

    # The partner's contact: a server span at intake, the root of the trace the first events carry.
    [contact] = [s for s in spans if s.kind == "SERVER" and s.attributes.get("http.route") == "/v1/contacts/911"]
    assert contact.service == "continuum-intake" and contact.parent_span_id is None
    assert contact.name == "POST /v1/contacts/911"
    assert journey.first("continuum.contact.received.v1").trace_id == contact.trace_id
    assert journey.first("continuum.episode.triaged.v1").trace_id == contact.trace_id
    assert journey.first("continuum.response.assigned.v1").trace_id == contact.trace_id

    # The handler's statements and its outbox rows are children of the server span, with placeholders.
    statements = [s for s in spans if s.parent_span_id == contact.span_id and s.kind == "CLIENT"]
    assert {s.attributes.get("db.system") or s.attributes.get("db.system.name") for s in statements} == {"sqlite"}
    texts = [_statement(s) for s in statements]
    outbox_inserts = [text for text in texts if text.startswith("INSERT INTO outbox")]
    assert outbox_inserts and all("?" in text for text in outbox_inserts)

    # Every record on the topic carries the context of its own producer span, named and attributed by
    # the messaging conventions, and that span is a child of the span that wrote the outbox row.
    for event in journey.events:
        span_id = event.traceparent.split("-")[2]
        send = by_id[span_id]
        assert (send.kind, send.name, send.trace_id) == ("PRODUCER", f"send {topic}", event.trace_id)
        assert send.attributes["messaging.system"] == "kafka"
        assert send.attributes["messaging.operation.type"] == "send"
        assert send.attributes["messaging.destination.name"] == topic
        assert send.attributes["messaging.message.id"] == event.id
        assert send.attributes["cloudevents.event_type"] == event.type
        assert send.attributes["continuum.episode_id"] == journey.episode_id
        assert send.attributes["messaging.kafka.message.key"] == journey.episode_id
        assert int(send.attributes["messaging.destination.partition.id"]) >= 0
        assert send.attributes["messaging.kafka.offset"] >= 0
        assert send.service == f"continuum-{event.source.rsplit('/', 1)[-1]}"
        writer = by_id[send.parent_span_id]
        assert writer.kind in ("SERVER", "CONSUMER") and writer.service == send.service

    # Every consumer's process span is a child of the producer span of the record it applied.
    processes = [
        s for s in spans if s.kind == "CONSUMER" and s.attributes["continuum.episode_id"] == journey.episode_id
    ]
    assert {s.service for s in processes} == {f"continuum-{name}" for name in SERVICES}
    for process in processes:
        parent = by_id[process.parent_span_id]
        assert parent.kind == "PRODUCER"
        assert parent.attributes["messaging.message.id"] == process.attributes["messaging.message.id"]
        assert process.name == f"process {topic}"
        assert process.attributes["messaging.operation.type"] == "process"
        assert process.attributes["messaging.consumer.group.name"] == f"{topic}-{process.service.split('-')[1]}"
        assert process.attributes["cloudevents.event_type"] == parent.attributes["cloudevents.event_type"]
        assert process.attributes["continuum.outcome"] == "applied"
        assert {"messaging.destination.partition.id", "messaging.kafka.offset"} <= set(process.attributes)

    # Hop after hop: intake's contact -> dispatch's process of the triage -> dispatch's send of the
    # assignment, a chain of parents down to the partner's request, not siblings hanging off it.
    assigned = by_id[journey.first("continuum.response.assigned.v1").traceparent.split("-")[2]]
    chain = [(s.service, s.kind, s.attributes.get("cloudevents.event_type")) for s in _ancestors(assigned, by_id)]
    assert chain == [
        ("continuum-dispatch", "CONSUMER", "continuum.episode.triaged.v1"),
        ("continuum-intake", "PRODUCER", "continuum.episode.triaged.v1"),
        ("continuum-intake", "SERVER", None),
    ]
    # Dispatch's inbox mark and outbox rows for that hop are statements inside its process span.
    triage = _ancestors(assigned, by_id)[0]
    hop = [_statement(s) for s in spans if s.parent_span_id == triage.span_id and s.kind == "CLIENT"]
    assert any(text.startswith("INSERT INTO processed_event") for text in hop)
    assert any(text.startswith("INSERT INTO outbox") for text in hop)

    # The mobile team's resolution is a request of its own, and its trace reaches handoff and followup.
    resolved = by_id[journey.first("continuum.response.resolved.v1").traceparent.split("-")[2]]
    [resolution_request] = [s for s in traces[resolved.trace_id] if s.parent_span_id is None]
    assert (resolution_request.service, resolution_request.kind) == ("continuum-dispatch", "SERVER")
    requested = by_id[journey.first("continuum.handoff.requested.v1").traceparent.split("-")[2]]
    path = _ancestors(requested, by_id)
    assert requested.trace_id == resolved.trace_id and path[-1] == resolution_request
    assert [(s.service, s.kind) for s in path] == [
        ("continuum-handoff", "CONSUMER"),
        ("continuum-dispatch", "PRODUCER"),
        ("continuum-dispatch", "SERVER"),
    ]
    assert path[1].attributes["cloudevents.event_type"] in (
        "continuum.response.resolved.v1",
        "continuum.placement.reserved.v1",
    )

    # Each trace the journey touched is one tree: one root, the partner's request, every parent
    # present; a record is sent from a request or a record being processed, and processed as the
    # child of its send. The contact's trace reaches all four services, four levels deep
    # (request -> send -> process -> send), and each statement sits under its own hop.
    for trace_id in {event.trace_id for event in journey.events}:
        members = traces[trace_id]
        roots = [s for s in members if s.parent_span_id is None]
        assert [(s.service, s.kind) for s in roots] == [(roots[0].service, "SERVER")]
        assert all(s.parent_span_id in by_id for s in members if s.parent_span_id is not None)
        for span in members:
            if span.kind == "PRODUCER":
                assert by_id[span.parent_span_id].kind in ("SERVER", "CONSUMER")
            if span.kind == "CONSUMER":
                assert by_id[span.parent_span_id].kind == "PRODUCER"
    assert {s.service for s in traces[contact.trace_id]} == {f"continuum-{name}" for name in SERVICES}
    assert max(_depth(s, by_id) for s in traces[contact.trace_id]) >= 4

    # No request body, query string, header or exception text is on any server span.
    for span in spans:
        assert not [key for key in span.attributes if key.startswith(("http.request.header", "http.response.header"))]
        assert "url.query" not in span.attributes
        assert "?" not in str(span.attributes.get("http.target", "")) + str(span.attributes.get("http.url", ""))

    # Not one personal value (nor credential) in any span, event, resource or status, in what went
    # over the wire, or in any service's log.
    phi = _phi(scenario.contact) + secrets  # and no credential either
    leaks = [
        (span.service, span.name, value) for span in spans for value in phi for text in _strings(span) if value in text
    ]
    assert leaks == []
    assert [value for value in phi for body in bodies if value.encode() in body] == []
    for name in SERVICES:
        log = (tmp_path / "stack" / f"{name}.log").read_text(errors="replace")
        assert [value for value in phi if value in log] == [], f"{name}.log"
