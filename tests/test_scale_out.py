"""Two instances of each of the four services, on one PostgreSQL database per service, against the three-node
cluster: the partitions are split between them, 500 episodes run, one instance of each service is killed
mid-stream, and every episode still closes, each effect applied once, each episode's events in order, no bed
held beyond its place's capacity."""

import asyncio
import uuid

import httpx
import pytest
from continuum_sim.partners import Partners
from continuum_sim.scenarios import homeless_911_call, sample, warmline_call
from continuum_sim.stack import SERVICES, Stack
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]
EPISODES = 500
PARTITIONS = 6
ONCE = {
    "response.assigned": 1,
    "response.resolved": 1,
    "followup.scheduled": 2,
    "followup.completed": 2,
    "episode.closed": 1,
}
IN_ORDER = ["episode.opened", "response.assigned", "response.resolved", "episode.closed"]


def covers_the_topic(shares: list[list[int]]) -> bool:
    """Each partition held by exactly one of the instances."""
    return sorted(p for share in shares for p in share) == list(range(PARTITIONS))


async def held_partitions(stack: Stack, alive: int, timeout: float = 120.0) -> dict[str, list[list[int]]]:
    """Per service, the partitions each of its first ``alive`` instances says it consumes (``/health``), once they
    cover the topic between them, one owner each (or the timeout passed)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            held = {
                name: [
                    (await client.get(f"{process.url}/health")).json()["consumer"]["partitions"]
                    for process in stack.replicas[name][:alive]
                ]
                for name in SERVICES
            }
            split = all(
                sorted(p for share in shares for p in share) == list(range(PARTITIONS)) for shares in held.values()
            )
            if split or asyncio.get_running_loop().time() > deadline:
                return held
            await asyncio.sleep(0.5)


def most_beds_held_at_once(dispatch_database: str) -> dict[str, tuple[int, int]]:
    """Per place, the most reservations held or occupied at one moment, and the place's capacity."""
    engine = create_engine(dispatch_database)
    try:
        with engine.connect() as connection:
            capacity = dict(connection.execute(text("SELECT place_id, capacity FROM dispatch_place")).all())
            rows = connection.execute(text("SELECT place_id, reserved_at, closed_at FROM dispatch_reservation")).all()
    finally:
        engine.dispose()
    most: dict[str, int] = {}
    for place_id in {row[0] for row in rows}:
        # A bed given back at the moment another is taken is free for it: ends sort before starts at one time.
        changes = sorted(
            [(row[1], 1) for row in rows if row[0] == place_id]
            + [(row[2], -1) for row in rows if row[0] == place_id and row[2] is not None]
        )
        held = 0
        for _, change in changes:
            held += change
            most[place_id] = max(most.get(place_id, 0), held)
    return {place_id: (most[place_id], capacity[place_id]) for place_id in most}


async def settled_views(partners: Partners, episode_ids: list[str], timeout: float = 60.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        views = {episode_id: await partners.service_view(episode_id) for episode_id in episode_ids}
        if all(v["intake"]["status"] == "closed" for v in views.values()):
            return views
        if asyncio.get_running_loop().time() > deadline:
            return views
        await asyncio.sleep(0.5)


async def test_two_instances_of_each_service_share_the_work_and_lose_one_each_with_nothing_lost_or_repeated(
    kafka_cluster, new_postgres_database, tmp_path
):
    topic = f"test.scale-out.{uuid.uuid4().hex[:8]}"
    databases = {name: new_postgres_database() for name in SERVICES}
    stack = Stack(
        kafka_cluster,
        tmp_path / "county",
        topic=topic,
        group_prefix=topic,
        database_urls=databases,
        instances=2,
        extra_env={"CONTINUUM_TOPIC_REPLICATION": "3", "CONTINUUM_TOPIC_PARTITIONS": str(PARTITIONS)},
    )
    await asyncio.to_thread(stack.start)
    try:
        async with Partners.of(stack) as partners:
            scenarios = sample(EPISODES, seed=23, kinds=[homeless_911_call, warmline_call])
            posting = asyncio.create_task(partners.post_all(scenarios, concurrency=8))
            while len(partners.journeys) < EPISODES // 3:
                await asyncio.sleep(0.05)
            split = await held_partitions(stack, alive=2)
            killed_at = len(partners.journeys)
            for name in SERVICES:
                await asyncio.to_thread(stack.replicas[name][1].kill)
            taken_over = await held_partitions(stack, alive=1)
            journeys = await posting
            ids = list(dict.fromkeys(j.episode_id for j in journeys))
            still_open = await partners.wait_closed(ids, timeout=600)
            views = await settled_views(partners, ids)
    finally:
        await asyncio.to_thread(stack.stop)

    for name, shares in split.items():
        assert all(shares) and covers_the_topic(shares), f"{name}'s two instances did not both consume: {shares}"
    assert killed_at < EPISODES, "the kill did not happen mid-stream"
    assert taken_over == {name: [list(range(PARTITIONS))] for name in SERVICES}, "the survivors did not take over"
    assert len(journeys) == len(ids) == EPISODES
    assert still_open == [], f"{len(still_open)} episodes never closed"
    repeated = {j.episode_id: j.counts() for j in journeys if any(j.counts()[t] != n for t, n in ONCE.items())}
    assert repeated == {}
    out_of_order = [j.episode_id for j in journeys if [t for t in j.order() if t in IN_ORDER] != IN_ORDER]
    assert out_of_order == []
    assert {len(v["responses"]) for v in views.values()} == {1}, "an episode got a second assignment"
    assert {len(v["followups"]["checkins"]) for v in views.values()} == {2}, "an episode got extra follow-ups"
    assert {v["intake"]["status"] for v in views.values()} == {"closed"}
    beds = most_beds_held_at_once(databases["dispatch"])
    assert beds, "no bed was reserved: the test did not exercise placement"
    assert {place: held for place, (held, capacity) in beds.items() if held > capacity} == {}
