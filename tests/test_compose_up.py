"""`docker compose up -d --wait` as county IT runs it, through the real Docker engine, on the images of `make images`.

The whole county starts from docker-compose.yml and the documented .env: every container healthy, each service on
its own migrated database, a 911 call played to closure over the published ports, the data kept across `down` and
`up`, and nothing left behind by `down -v`. Skipped only when no Docker engine can be started on this machine."""

import asyncio
import random

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from alembic.config import Config
from alembic.script import ScriptDirectory
from continuum_sim.partners import Partners, eventually
from continuum_sim.scenarios import homeless_911_call

from tests.compose_run import IMAGES, County, engine_ready, run
from tests.deployment import APP_PORTS, INFRASTRUCTURE

pytestmark = [pytest.mark.docker, pytest.mark.timeout(1800)]

TOPIC = "continuum.episode-events"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The county, up and healthy; on the way out `down -v`, whatever happened, and a check nothing is left."""
    if why := engine_ready():
        pytest.skip(why)
    run(["bash", str(IMAGES)], timeout=3600)  # cached: a second run only checks every layer
    county = County.fresh(tmp_path_factory.mktemp("county"))
    try:
        county.up()
        yield county
    finally:
        county.down("--volumes", "--remove-orphans")
        leftovers = county.leftovers()
        assert leftovers == {"containers": [], "networks": [], "volumes": []}, leftovers


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
    async with Partners(
        county.kafka_bootstrap, TOPIC, county.urls, admin_token=county.settings["CONTINUUM_ADMIN_TOKEN"]
    ) as partners:
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


def head_revision(service: str) -> str:
    config = Config()
    config.set_main_option("script_location", f"continuum_{service}:migrations")
    return ScriptDirectory.from_config(config).get_current_head()


# ---- tests, in the order county IT meets them --------------------------------------------------------------


def test_every_container_is_healthy_and_each_service_answers_on_its_published_port(county):
    containers = {row["Service"]: row for row in county.containers()}
    assert set(containers) == INFRASTRUCTURE | set(APP_PORTS)
    assert {name: row["Health"] for name, row in containers.items()} == dict.fromkeys(containers, "healthy")
    for name, url in county.urls.items():
        response = httpx.get(f"{url}/health", timeout=10)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"


def test_each_service_migrated_its_own_database_to_the_newest_revision(county):
    for service in APP_PORTS:
        assert county.psql(f"continuum_{service}", "SELECT version_num FROM alembic_version") == head_revision(service)


def test_a_911_call_closes_through_the_containers_the_board_shows_it_and_jaeger_has_its_traces(county):
    register_county_accounts(county)
    episode_id = asyncio.run(play_911_call(county, seed=11))
    events = board_timeline(county, episode_id)
    types = [event["type"] for event in events]
    assert types[0] == "continuum.contact.received.v1" and "continuum.episode.closed.v1" in types
    # The journey's traces reach Jaeger from each of the four services (spans are exported in batches).
    trace_ids = {event["trace_id"] for event in events if event["trace_id"]}
    expected = {f"continuum-{service}" for service in ("intake", "dispatch", "handoff", "followup")}
    seen = asyncio.run(eventually(lambda: expected <= traced_services(county, trace_ids), timeout=60))
    assert seen, f"Jaeger has spans of {traced_services(county, trace_ids)} for the journey's traces"


def test_down_and_up_keep_every_episode(county):
    register_county_accounts(county)
    episode_id = asyncio.run(play_911_call(county, seed=12))
    county.down()
    assert county.leftovers()["containers"] == []
    county.up()
    episode = httpx.get(f"{county.urls['intake']}/v1/episodes/{episode_id}", headers=admin(county), timeout=10)
    assert episode.status_code == 200 and episode.json()["status"] == "closed", episode.text
    followups = httpx.get(f"{county.urls['followup']}/v1/episodes/{episode_id}/followups", headers=admin(county))
    assert followups.status_code == 200, followups.text
    plan = followups.json()
    assert plan["plan_status"] == "closed" and [c["status"] for c in plan["checkins"]] == ["completed"] * 2, plan
    # The broker's volume kept the topic, and a new call after the restart closes too.
    assert asyncio.run(topic_holds(county, episode_id))
    asyncio.run(play_911_call(county, seed=13))


def test_down_with_volumes_leaves_nothing_of_the_county(county):
    county.down("--volumes", "--remove-orphans")
    assert county.leftovers() == {"containers": [], "networks": [], "volumes": []}


@pytest.mark.parametrize("secret", ["POSTGRES_PASSWORD", "CONTINUUM_VAULT_KEYS"])
def test_up_with_a_secret_missing_from_env_stops_naming_it(tmp_path, secret):
    if why := engine_ready():
        pytest.skip(why)
    county = County.fresh(tmp_path, leave_out=(secret,))
    result = county.compose("up", "--detach", "--wait", check=False, timeout=120)
    assert result.returncode != 0
    assert f"required variable {secret} is missing a value" in result.stderr
    assert county.leftovers() == {"containers": [], "networks": [], "volumes": []}
