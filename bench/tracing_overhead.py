"""What tracing costs one hop: a consumer applying a record that writes one outbox row, and the relay
publishing that row, on SQLite, with tracing off (no endpoint) and on (spans, statement spans, the
privacy filter and OTLP/HTTP export to a real receiver on this machine), against no tracing at all.
No broker: the producer acknowledges at once, so the figure is the service's own CPU per hop. Run:
``uv run python bench/tracing_overhead.py``.
"""

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1, FollowupCompletedV1
from continuum_kit import telemetry
from continuum_kit.clock import ManualClock
from continuum_kit.consumer import EventConsumer, Record
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, ProcessedEvent, UnitOfWork
from continuum_kit.relay import OutboxRelay
from continuum_kit.testing import OtlpReceiver
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased
from opentelemetry.trace import NoOpTracerProvider
from sqlmodel import SQLModel


class AckingProducer:
    async def send(self, topic, *, value, key, headers):
        delivered = asyncio.get_running_loop().create_future()
        delivered.set_result(SimpleNamespace(partition=0, offset=0))
        return delivered


def _follow_up(uow: UnitOfWork, envelope: Envelope) -> None:
    uow.emit(
        FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1),
        episode_id=envelope.subject,
    )


async def hops(workdir: Path, provider: TracerProvider | NoOpTracerProvider, traced: bool, count: int) -> float:
    """CPU seconds of this process per hop (apply one record, publish the row it wrote), export included;
    CPU rather than wall time, so that other work on a shared machine does not count."""
    engine = make_engine(f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}")
    SQLModel.metadata.create_all(engine, tables=[ProcessedEvent.__table__, OutboxMessage.__table__])
    if traced:
        telemetry._exporting = True
        telemetry.trace_database(engine, provider)
    tracer = provider.get_tracer("bench")
    clock = ManualClock()

    def unit_of_work() -> UnitOfWork:
        return UnitOfWork(engine, source="/continuum/bench", topic="t", clock=clock)

    consumer = EventConsumer("bench", {EpisodeClosedV1: _follow_up}, unit_of_work, None, tracer=tracer)
    relay = OutboxRelay(engine, clock, poll_seconds=1, tracer=tracer)
    producer = AckingProducer()
    records = []
    for offset in range(count):
        envelope = Envelope.new(EpisodeClosedV1(reason="plan_complete"), episode_id=uuid.uuid4(), source="/b")
        kafka = to_kafka(envelope)
        headers = kafka.headers + [("traceparent", f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01".encode())]
        records.append(Record("t", 0, offset, kafka.key, kafka.value, headers))
    started = time.process_time()
    for record in records:
        await consumer.process(record)
        await relay.publish_pending(producer)
    if traced:
        provider.force_flush()
    elapsed = time.process_time() - started
    engine.dispose()
    return elapsed / count


def _receive(connection) -> None:
    """The OTLP receiver, in a process of its own so that decoding does not count as the service's CPU."""
    with OtlpReceiver() as receiver:
        connection.send(receiver.endpoint)
        connection.recv()
        connection.send(len(receiver.snapshot()))


async def main(count: int, rounds: int) -> None:
    none = NoOpTracerProvider()  # as if the kit had no tracing at all
    off = TracerProvider(sampler=ALWAYS_OFF)  # what a service runs without an endpoint
    ours, theirs = multiprocessing.Pipe()
    receiver = multiprocessing.Process(target=_receive, args=(theirs,), daemon=True)
    receiver.start()
    endpoint = ours.recv()
    with tempfile.TemporaryDirectory() as tmp:
        on = TracerProvider(sampler=ParentBased(root=telemetry._NoOrphanClientSpans()))
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
        on.add_span_processor(BatchSpanProcessor(telemetry.PrivacyFilter(exporter)))
        figures: dict[str, list[float]] = {"none": [], "off": [], "on": []}
        for _ in range(rounds):  # interleaved, so that a busy machine weighs on each alike
            figures["none"].append(await hops(Path(tmp), none, False, count))
            figures["off"].append(await hops(Path(tmp), off, False, count))
            figures["on"].append(await hops(Path(tmp), on, True, count))
        on.shutdown()
    ours.send("stop")
    exported = ours.recv()
    receiver.join(10)
    best = {name: min(values) * 1000 for name, values in figures.items()}
    median = {name: statistics.median(values) * 1000 for name, values in figures.items()}
    print(f"hops per round: {count}, rounds: {rounds}, spans received by the OTLP receiver: {exported}")
    for name in ("none", "off", "on"):
        print(f"tracing {name:>4}: best {best[name]:.2f} ms CPU/hop, median {median[name]:.2f} ms CPU/hop")
    for name in ("off", "on"):
        cost, share = best[name] - best["none"], best[name] / best["none"] - 1
        print(f"cost of tracing {name}: {cost:+.2f} ms CPU/hop ({share:+.0%}) at best")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hops", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.hops, args.rounds))
