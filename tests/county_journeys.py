"""What county IT and the partner systems do with a county deployment run by tests/test_compose_up.py: register the
accounts, play journeys over the published ports, and read what the board, Jaeger, the broker and the databases say."""

import asyncio
import random

import httpx
from aiokafka import AIOKafkaConsumer
from alembic.config import Config
from alembic.script import ScriptDirectory
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_911_call

from tests.compose_run import County

TOPIC = "continuum.episode-events"
SERVICES = ("intake", "dispatch", "handoff", "followup", "board")


def admin(county: County) -> dict[str, str]:
    return {"Authorization": f"Bearer {county.settings['CONTINUUM_ADMIN_TOKEN']}"}


def register_county_accounts(county: County) -> None:
    """The operator's guide's first start: handoff's account at intake and the board's at dispatch, with the
    secrets from .env (the partner systems' accounts are registered by the simulated partners themselves)."""
    accounts = {
        "intake": {
            "partner_id": "handoff",
            "secret": county.settings["CONTINUUM_HANDOFF_INTAKE_SECRET"],
            "event_types": ["continuum.disclosure.request"],
        },
        "dispatch": {"partner_id": "board", "secret": county.settings["CONTINUUM_BOARD_DISPATCH_SECRET"]},
    }
    for service, body in accounts.items():
        response = httpx.post(f"{county.urls[service]}/v1/admin/partners", json=body, headers=admin(county))
        assert response.status_code in (201, 409), response.text


async def play_911_call(county: County, seed: int) -> str:
    """A 911 call to closure, the partner systems played over the published ports; the episode's id."""
    async with partners_of(county) as partners:
        journey = await partners.post(homeless_911_call(random.Random(seed)))
        assert await partners.wait_closed([journey.episode_id], timeout=180) == []

        async def closed_everywhere():
            view = await partners.service_view(journey.episode_id)
            done = view["intake"]["status"] == "closed" and [h["status"] for h in view["handoffs"]] == ["completed"]
            return view if done else None

        assert await eventually(closed_everywhere, timeout=60)
        assert journey.counts()["followup.completed"] == 2 and journey.counts()["episode.closed"] == 1
        return journey.episode_id


def board_timeline(county: County, episode_id: str) -> list[dict]:
    """The episode's timeline as a supervisor signed in on the board sees it (its events, in order)."""
    operator = {"username": "supervisor-1", "password": "a long passphrase for the test"}
    board = county.urls["board"]
    created = httpx.post(f"{board}/v1/admin/operators", json=operator, headers=admin(county))
    assert created.status_code in (201, 409), created.text
    session = httpx.post(f"{board}/v1/session", json=operator)
    assert session.status_code == 200, session.text
    # The session cookie is Secure; over the plain-HTTP test address it is sent by hand.
    cookie = {"Cookie": f"continuum_board_session={session.cookies['continuum_board_session']}"}
    timeline = httpx.get(f"{board}/v1/episodes/{episode_id}/timeline", headers=cookie)
    assert timeline.status_code == 200, timeline.text
    return timeline.json()["events"]


def traced_services(county: County, trace_ids: set[str]) -> set[str]:
    """The services with spans in these traces, as Jaeger's query API on the published port tells them."""
    services = set()
    for trace_id in trace_ids:
        response = httpx.get(f"http://{county.address}:16686/api/traces/{trace_id}", timeout=10)
        if response.status_code == 200:
            for trace in response.json()["data"]:
                services |= {process["serviceName"] for process in trace["processes"].values()}
    return services


async def topic_holds(county: County, episode_id: str) -> bool:
    """Whether the broker still holds events of this episode on the topic (read from its first offset)."""
    consumer = AIOKafkaConsumer(TOPIC, bootstrap_servers=county.kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=1000)
            if any(record.key == episode_id.encode() for records in batches.values() for record in records):
                return True
        return False
    finally:
        await consumer.stop()


def revisions(county: County) -> dict[str, str]:
    """Each service's alembic revision, as its own database records it."""
    return {
        service: county.psql(f"continuum_{service}", "SELECT version_num FROM alembic_version") for service in SERVICES
    }


def history(service: str) -> list[str]:
    """A service's migrations in this checkout, from the newest (its head) to the first revision."""
    config = Config()
    config.set_main_option("script_location", f"continuum_{service}:migrations")
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()]


def partners_of(county: County) -> Partners:
    return Partners(county.kafka_bootstrap, TOPIC, county.urls, admin_token=county.settings["CONTINUUM_ADMIN_TOKEN"])


async def journeys_through_a_kill(county: County, victim: str, calls: int) -> dict:
    """``calls`` 911 calls played two at a time; once the first team is assigned, ``victim``'s container is killed
    (SIGKILL, as a crash or the host's OOM killer would) and started again. What each service then says of each."""
    async with partners_of(county) as partners:
        scenarios = [homeless_911_call(random.Random(1000 + n)) for n in range(calls)]
        posting = asyncio.create_task(partners.post_all(scenarios, concurrency=2))

        def assigned() -> bool:
            return any(j.first("continuum.response.assigned.v1") for j in partners.journeys.values())

        assert await eventually(assigned, timeout=180), "no team was assigned"
        await asyncio.to_thread(county.compose, "kill", "--signal", "SIGKILL", victim)
        open_at_kill = sum(1 for j in partners.journeys.values() if j.closed is None) + calls - len(partners.journeys)
        await asyncio.to_thread(county.up, victim)
        journeys = await posting
        still_open = await partners.wait_closed([j.episode_id for j in journeys], timeout=300)

        async def settled() -> dict | None:
            views = {j.episode_id: await partners.service_view(j.episode_id) for j in journeys}
            return views if all(v["intake"]["status"] == "closed" for v in views.values()) else None

        views = await eventually(settled, timeout=60)
        return {"open_at_kill": open_at_kill, "journeys": journeys, "still_open": still_open, "views": views}
