"""SIGKILL a consumer service mid-stream: every episode still closes, and no effect happens twice."""

import asyncio

import pytest
from continuum_sim.partners import Partners
from continuum_sim.scenarios import homeless_911_call, sample, warmline_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
EPISODES = 200


async def settled_views(partners: Partners, episode_ids: list[str], timeout: float = 30.0) -> dict:
    """Each service's view of each episode, once intake has applied the closures it is still consuming."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        views = {episode_id: await partners.service_view(episode_id) for episode_id in episode_ids}
        settled = all(v["intake"]["status"] == "closed" for v in views.values())
        if settled or asyncio.get_running_loop().time() > deadline:
            return views
        await asyncio.sleep(0.5)


@pytest.mark.parametrize("victim", ["dispatch", "followup"])
async def test_killed_consumer_loses_nothing_and_repeats_nothing(kafka_bootstrap, topic, tmp_path, victim):
    stack = Stack(kafka_bootstrap, tmp_path / "stack", topic=topic, group_prefix=topic)
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(kafka_bootstrap, topic, stack.urls, admin_token=stack.admin_token) as partners:
            scenarios = sample(EPISODES, seed=11, kinds=[homeless_911_call, warmline_call])
            posting = asyncio.create_task(partners.post_all(scenarios, concurrency=8))
            while len(partners.journeys) < EPISODES // 3:
                await asyncio.sleep(0.05)
            await asyncio.to_thread(stack.services[victim].kill)
            killed_at = len(partners.journeys)
            await asyncio.sleep(1.0)
            await asyncio.to_thread(stack.restart, victim)
            journeys = await posting
            still_open = await partners.wait_closed([j.episode_id for j in journeys], timeout=300)
            views = await settled_views(partners, [j.episode_id for j in journeys])
    finally:
        await asyncio.to_thread(stack.stop)

    assert EPISODES // 3 <= killed_at < EPISODES, "the kill did not happen mid-stream"
    assert len(journeys) == EPISODES
    assert still_open == [], f"{len(still_open)} episodes never closed"
    once = {
        "response.assigned": 1,
        "response.resolved": 1,
        "followup.scheduled": 2,
        "followup.completed": 2,
        "episode.closed": 1,
    }
    repeated = {j.episode_id: j.counts() for j in journeys if any(j.counts()[t] != n for t, n in once.items())}
    assert repeated == {}
    assert {len(v["responses"]) for v in views.values()} == {1}, "an episode got a second assignment"
    assert {len(v["followups"]["checkins"]) for v in views.values()} == {2}, "an episode got extra follow-ups"
    assert {v["intake"]["status"] for v in views.values()} == {"closed"}
