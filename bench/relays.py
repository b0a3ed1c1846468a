"""The floors under any Kafka service, on the same broker and with the records Continuum's services carry:
(a) a bare aiokafka consume->produce relay (idempotent producer, acks=all, commit after each batch) and
(b) a FastStream ``KafkaBroker`` subscriber whose return value its publisher sends on, all FastStream defaults.

Both relay CloudEvents in Kafka binary mode as ``continuum_contracts.to_kafka`` writes them (``ce_*`` headers,
``content-type``, a W3C ``traceparent``, key = episode id) and report messages per second, source to sink."""

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1
from faststream.kafka import KafkaBroker, KafkaMessage, KafkaResponse


async def create_topics(bootstrap: str, *topics: str, partitions: int = 6, replication: int = 1) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    await admin.start()
    try:
        new = [NewTopic(t, num_partitions=partitions, replication_factor=replication) for t in topics]
        await admin.create_topics(new)
    finally:
        await admin.close()


def cloudevents(count: int) -> list[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """``count`` records as Continuum publishes them: key, value and binary-mode headers, one episode each."""
    records = []
    for _ in range(count):
        trace = {"traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"}
        envelope = Envelope.new(
            EpisodeClosedV1(reason="plan_complete"), episode_id=uuid.uuid4(), source="/continuum/bench", trace=trace
        )
        record = to_kafka(envelope)
        records.append((record.key, record.value, record.headers))
    return records


async def _fill(bootstrap: str, topic: str, messages: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap.split(","), enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        sent = [await producer.send(topic, v, key=k, headers=h) for k, v, h in cloudevents(messages)]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def _topics(bootstrap: str, name: str, messages: int, replication: int) -> tuple[str, str]:
    source, sink = f"bench.{name}-in.{uuid.uuid4().hex[:8]}", f"bench.{name}-out.{uuid.uuid4().hex[:8]}"
    await create_topics(bootstrap, source, sink, replication=replication)
    await _fill(bootstrap, source, messages)
    return source, sink


async def raw_relay(bootstrap: str, messages: int, replication: int = 1) -> dict:
    """Messages per second through a bare consume->produce loop, the floor under any Kafka service."""
    source, sink = await _topics(bootstrap, "raw", messages, replication)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap.split(","), enable_idempotence=True, linger_ms=2)
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap.split(","),
        group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    try:
        started, relayed = None, 0
        while relayed < messages:
            batch = await consumer.getmany(timeout_ms=500, max_records=1000)
            started = started or (time.perf_counter() if batch else None)
            pending = [
                await producer.send(sink, r.value, key=r.key, headers=list(r.headers))
                for records in batch.values()
                for r in records
            ]
            await asyncio.gather(*pending)
            relayed += len(pending)
            await consumer.commit()
        seconds = time.perf_counter() - started
    finally:
        await consumer.stop()
        await producer.stop()
    headers = await _carried(bootstrap, sink)
    return {"messages": messages, "seconds": seconds, "msg_per_s": messages / seconds, "headers": headers}


async def _wait_for(bootstrap: str, sink: str, messages: int) -> None:
    """Until the sink's partitions hold ``messages`` records in all."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id=None)
    await consumer.start()
    try:
        while not (found := consumer.partitions_for_topic(sink)):
            await consumer._client.force_metadata_update()  # the sink was made moments ago
        partitions = [TopicPartition(sink, p) for p in found]
        while sum((await consumer.end_offsets(partitions)).values()) < messages:
            await asyncio.sleep(0.1)
    finally:
        await consumer.stop()


async def _carried(bootstrap: str, sink: str) -> list[str]:
    """The header names of one record on the sink: what the relay carried on."""
    servers = bootstrap.split(",")
    consumer = AIOKafkaConsumer(sink, bootstrap_servers=servers, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        record = await consumer.getone()
        return sorted(name for name, _ in record.headers)
    finally:
        await consumer.stop()


async def faststream_relay(bootstrap: str, messages: int, replication: int = 1) -> dict:
    """Messages per second through FastStream's subscriber->publisher relay with its defaults (one message at a
    time, auto-commit), key and headers carried on; timed from the first record in to the sink holding them all."""
    source, sink = await _topics(bootstrap, "faststream", messages, replication)
    broker = KafkaBroker(bootstrap.split(","), logger=None)
    publisher = broker.publisher(sink)
    first: list[float] = []

    @broker.subscriber(source, group_id=f"bench-faststream-{uuid.uuid4().hex[:6]}", auto_offset_reset="earliest")
    @publisher
    async def relay(body: dict, message: KafkaMessage) -> KafkaResponse:
        first or first.append(time.perf_counter())
        return KafkaResponse(message.body, key=message.raw_message.key, headers=message.headers)

    await broker.start()
    try:
        await _wait_for(bootstrap, sink, messages)
        seconds = time.perf_counter() - first[0]
    finally:
        await broker.stop()
    headers = await _carried(bootstrap, sink)
    return {"messages": messages, "seconds": seconds, "msg_per_s": messages / seconds, "headers": headers}
