"""The three-node form of the local broker: replicated topics keep taking acks=all writes when a node dies."""

import asyncio
import subprocess
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from continuum_sim.partners import Partners
from continuum_sim.scenarios import sample, warmline_call
from continuum_sim.stack import Stack

pytestmark = pytest.mark.kafka
ROOT = Path(__file__).resolve().parents[1]


def kafka(*args: str) -> None:
    subprocess.run(["bash", str(ROOT / "deploy" / "kafka.sh"), *args], check=True, capture_output=True)


async def _produce(bootstrap: str, topic: str, values: range) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", request_timeout_ms=15000
    )
    await producer.start()
    try:
        await asyncio.gather(*[await producer.send(topic, str(v).encode(), key=str(v % 7).encode()) for v in values])
    finally:
        await producer.stop()


async def test_replicated_topic_survives_losing_one_of_three_nodes(kafka_cluster):
    topic = f"test.cluster.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_cluster)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=3)])
    finally:
        await admin.close()
    await _produce(kafka_cluster, topic, range(100))
    await asyncio.to_thread(kafka, "cluster-kill", "2")
    try:
        await _produce(kafka_cluster, topic, range(100, 200))
    finally:
        await asyncio.to_thread(kafka, "cluster-restart-node", "2")

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_cluster, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    received: set[int] = set()
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while len(received) < 200 and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                received |= {int(r.value) for r in records}
    finally:
        await consumer.stop()
    assert received == set(range(200))


async def test_the_four_services_given_every_address_keep_closing_episodes_while_a_node_is_down(
    kafka_cluster, tmp_path
):
    """County IT lists all three brokers in CONTINUUM_KAFKA_BOOTSTRAP: every service starts on that list, and
    episodes posted before and while one node is down all close, on topics replicated three times."""
    topic = f"test.cluster.county.{uuid.uuid4().hex[:8]}"
    stack = Stack(
        kafka_cluster,
        tmp_path / "county",
        topic=topic,
        group_prefix=topic,
        extra_env={"CONTINUUM_TOPIC_REPLICATION": "3", "CONTINUUM_TOPIC_PARTITIONS": "3"},
    )
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(kafka_cluster, topic, stack.urls, admin_token=stack.admin_token) as sim:
            before = await sim.post_all(sample(3, seed=91, kinds=[warmline_call]))
            await asyncio.to_thread(kafka, "cluster-kill", "1")
            try:
                during = await sim.post_all(sample(3, seed=92, kinds=[warmline_call]))
                still_open = await sim.wait_closed([j.episode_id for j in before + during], timeout=120)
            finally:
                await asyncio.to_thread(kafka, "cluster-restart-node", "1")
    finally:
        await asyncio.to_thread(stack.stop)
    assert still_open == []
