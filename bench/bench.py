"""Continuum's benchmark, against one running broker.

(a) a raw aiokafka consume->produce relay (idempotent producer, acks=all), in messages per second;
(b) Continuum end to end with the four services as processes on SQLite: episodes per second from
contact to closure, and latency from contact posted to response assigned (p50, p99).
It prints the figures and their ratios. Run: ``make bench`` (or ``uv run python bench/bench.py``).
"""

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from continuum_sim.partners import Partners
from continuum_sim.scenarios import homeless_911_call, sample, warmline_call
from continuum_sim.stack import Stack


async def _create(bootstrap: str, *topics: str, partitions: int = 6) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=partitions, replication_factor=1) for t in topics])
    finally:
        await admin.close()


async def raw_relay(bootstrap: str, messages: int) -> float:
    """Messages per second through a bare consume->produce loop, the floor under any Kafka service."""
    source, sink = f"bench.raw-in.{uuid.uuid4().hex[:8]}", f"bench.raw-out.{uuid.uuid4().hex[:8]}"
    await _create(bootstrap, source, sink)
    payload = b'{"reason": "plan_complete"}' + b" " * 200
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2)
    await producer.start()
    try:
        futures = [await producer.send(source, payload, key=str(i % 997).encode()) for i in range(messages)]
        await asyncio.gather(*futures)
        consumer = AIOKafkaConsumer(
            source,
            bootstrap_servers=bootstrap,
            group_id=f"bench-{uuid.uuid4().hex[:6]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            started = time.perf_counter()
            relayed, pending = 0, []
            while relayed < messages:
                batch = await consumer.getmany(timeout_ms=500, max_records=1000)
                for records in batch.values():
                    for record in records:
                        pending.append(
                            await producer.send(sink, record.value, key=record.key, headers=list(record.headers))
                        )
                        relayed += 1
                await asyncio.gather(*pending)
                pending.clear()
                await consumer.commit()
            return messages / (time.perf_counter() - started)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


async def _paced(partners: Partners, scenarios: list, rate: float) -> list:
    """Post at a steady rate, as contacts arrive in life, instead of all at once."""
    tasks = []
    for scenario in scenarios:
        tasks.append(asyncio.create_task(partners.post(scenario)))
        await asyncio.sleep(1 / rate)
    return await asyncio.gather(*tasks)


async def continuum_end_to_end(bootstrap: str, episodes: int, workdir: Path, rate: float | None) -> dict:
    """Episodes posted all at once (rate None: saturation) or at a steady rate (latency under load)."""
    topic = f"bench.episode-events.{uuid.uuid4().hex[:8]}"
    stack = Stack(bootstrap, workdir, topic=topic, group_prefix=topic)
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(
            bootstrap, topic, stack.urls, app_updates=("resolved",), admin_token=stack.admin_token
        ) as partners:
            scenarios = sample(episodes, seed=5, kinds=[homeless_911_call, warmline_call])
            started = time.monotonic()
            if rate is None:
                journeys = await partners.post_all(scenarios, concurrency=16)
            else:
                journeys = await _paced(partners, scenarios, rate)
            still_open = await partners.wait_closed([j.episode_id for j in journeys], timeout=600)
            elapsed = time.monotonic() - started
    finally:
        await asyncio.to_thread(stack.stop)
    assigned = [
        j.first("continuum.response.assigned.v1").seen_at - j.posted_at
        for j in journeys
        if j.first("continuum.response.assigned.v1")
    ]
    events = sum(len(j.events) for j in journeys)
    return {
        "episodes": episodes,
        "closed": episodes - len(still_open),
        "seconds": elapsed,
        "episodes_per_s": (episodes - len(still_open)) / elapsed,
        "events_per_s": events / elapsed,
        "events_per_episode": events / episodes,
        "assign_p50_ms": 1000 * _percentile(assigned, 50),
        "assign_p99_ms": 1000 * _percentile(assigned, 99),
    }


async def main(args: argparse.Namespace) -> None:
    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leader elections on new topics retry quietly
    raw = await raw_relay(args.kafka, args.messages)
    with tempfile.TemporaryDirectory(prefix="continuum-bench-") as tmp:
        e2e = await continuum_end_to_end(args.kafka, args.episodes, Path(tmp) / "saturated", None)
        paced = await continuum_end_to_end(args.kafka, args.paced_episodes, Path(tmp) / "paced", args.rate)
    print(f"(a) raw aiokafka consume->produce relay: {raw:,.0f} msg/s ({args.messages} messages)")
    print(
        f"(b) Continuum end to end, {e2e['episodes']} episodes posted at once: {e2e['closed']} closed in"
        f" {e2e['seconds']:.1f}s = {e2e['episodes_per_s']:.2f} episodes/s, {e2e['events_per_s']:.0f} events/s"
        f" ({e2e['events_per_episode']:.1f} events per episode)"
    )
    print(
        f"    contact posted -> response assigned, all at once: p50 {e2e['assign_p50_ms']:.0f} ms,"
        f" p99 {e2e['assign_p99_ms']:.0f} ms"
    )
    print(
        f"    contact posted -> response assigned, {paced['episodes']} episodes at {args.rate:g}/s:"
        f" p50 {paced['assign_p50_ms']:.0f} ms, p99 {paced['assign_p99_ms']:.0f} ms"
        f" ({paced['closed']}/{paced['episodes']} closed)"
    )
    print(
        f"ratio: Continuum events/s / raw relay msg/s = {e2e['events_per_s'] / raw:.3f};"
        f" raw relay msg/s per Continuum episode/s = {raw / e2e['episodes_per_s']:.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kafka", default="127.0.0.1:19092")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--episodes", type=int, default=200, help="episodes posted at once (throughput)")
    parser.add_argument("--paced-episodes", type=int, default=100, help="episodes posted at --rate (latency)")
    parser.add_argument("--rate", type=float, default=4.0, help="contacts per second in the paced run")
    asyncio.run(main(parser.parse_args()))
