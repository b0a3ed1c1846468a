"""`docker compose up -d --wait` as county IT runs it, through the real Docker engine, on the images of `make images`.

The county first runs the previous release (its images built from its commit, deploy/images/releases) and takes a
911 call; then it upgrades as the operator's guide says (this release's images, CONTINUUM_IMAGE_TAG, `up`). From
there: every container healthy, each service on its own database migrated forward with nothing lost, 911 calls
played to closure over the published ports, a service container killed mid-journey with no effect twice, a wrong
secret stopping only its service, the data kept across `down` and `up`, and nothing left behind by `down -v`.
Skipped only when no Docker engine can be started on this machine."""

import asyncio
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from continuum_sim.partners import eventually

from tests.compose_run import IMAGES, County, engine_ready, run
from tests.county_journeys import (
    SERVICES,
    admin,
    board_timeline,
    history,
    journeys_through_a_kill,
    play_911_call,
    register_county_accounts,
    revisions,
    topic_holds,
    traced_services,
)
from tests.deployment import APP_PORTS, INFRASTRUCTURE, ROOT

pytestmark = [pytest.mark.docker, pytest.mark.timeout(2400)]

RELEASE = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
RELEASES = [line.split() for line in (ROOT / "deploy/images/releases").read_text().splitlines() if line[:1].isdigit()]
PREVIOUS = RELEASES[-1][0]


@dataclass
class Upgrade:
    county: County
    episode_id: str  # a 911 call taken to closure under the previous release
    revisions: dict[str, str]  # each service's revision under the previous release


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory) -> Iterator[Upgrade]:
    """The county on the previous release, one call taken, then upgraded to this one; on the way out `down -v`,
    whatever happened, and a check that nothing is left."""
    if why := engine_ready():
        pytest.skip(why)
    run(["bash", str(IMAGES)], timeout=3600)  # cached: a second run only checks every layer
    run(["bash", str(IMAGES), "release", PREVIOUS], timeout=3600)
    county = County.fresh(tmp_path_factory.mktemp("county"))
    county.set("CONTINUUM_IMAGE_TAG", PREVIOUS)
    try:
        county.up()
        register_county_accounts(county)
        episode_id = asyncio.run(play_911_call(county, seed=10))
        before = revisions(county)
        county.set("CONTINUUM_IMAGE_TAG", RELEASE)  # the operator's guide's upgrade: the new tag, then `up`
        county.up()
        yield Upgrade(county, episode_id, before)
    finally:
        county.down("--volumes", "--remove-orphans")
        leftovers = county.leftovers()
        assert leftovers == {"containers": [], "networks": [], "volumes": []}, leftovers


@pytest.fixture(scope="module")
def county(upgrade) -> County:
    return upgrade.county


# ---- tests, in the order county IT meets them --------------------------------------------------------------


def test_every_container_is_healthy_and_each_service_answers_on_its_published_port(county):
    containers = {row["Service"]: row for row in county.containers()}
    assert set(containers) == INFRASTRUCTURE | set(APP_PORTS)
    assert {name: containers[name]["Image"] for name in APP_PORTS} == {s: f"continuum/{s}:{RELEASE}" for s in APP_PORTS}
    assert {name: row["Health"] for name, row in containers.items()} == dict.fromkeys(containers, "healthy")
    for name, url in county.urls.items():
        response = httpx.get(f"{url}/health", timeout=10)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"


def test_each_service_migrated_its_own_database_to_the_newest_revision(county):
    assert revisions(county) == {service: history(service)[0] for service in SERVICES}


def test_the_upgrade_from_the_previous_release_moved_every_service_forward_and_lost_nothing(upgrade):
    county, episode_id = upgrade.county, upgrade.episode_id
    # Each service's revision under the previous release is one of this release's history (nothing forked), and
    # each is now at this release's newest: the migrations in between ran when the new image started.
    for service, revision in upgrade.revisions.items():
        assert revision in history(service), f"{service}: {revision} is not in this release's migrations"
    assert revisions(county) == {service: history(service)[0] for service in SERVICES}
    # The call taken under the previous release reads the same from every service after the upgrade.
    episode = httpx.get(f"{county.urls['intake']}/v1/episodes/{episode_id}", headers=admin(county), timeout=10)
    assert episode.status_code == 200 and episode.json()["status"] == "closed", episode.text
    read = {
        "dispatch": f"/v1/episodes/{episode_id}/responses",
        "handoff": f"/v1/episodes/{episode_id}/handoffs",
        "followup": f"/v1/episodes/{episode_id}/followups",
    }
    views = {
        name: httpx.get(county.urls[name] + path, headers=admin(county), timeout=10) for name, path in read.items()
    }
    assert {name: view.status_code for name, view in views.items()} == dict.fromkeys(read, 200)
    assert [response["status"] for response in views["dispatch"].json()] == ["resolved"], views["dispatch"].text
    assert [handoff["status"] for handoff in views["handoff"].json()] == ["completed"], views["handoff"].text
    assert views["followup"].json()["plan_status"] == "closed", views["followup"].text
    types = [event["type"] for event in board_timeline(county, episode_id)]
    assert types[0] == "continuum.contact.received.v1" and "continuum.episode.closed.v1" in types


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


def test_a_service_container_killed_mid_journey_comes_back_and_every_call_closes_with_nothing_done_twice(county):
    register_county_accounts(county)
    played = asyncio.run(journeys_through_a_kill(county, "dispatch", calls=6))
    assert played["open_at_kill"] > 0, "every call had closed before the kill: nothing was mid-journey"
    assert played["still_open"] == []
    once = {"response.assigned": 1, "response.resolved": 1, "handoff.completed": 1, "episode.closed": 1}
    counts = {journey.episode_id: journey.counts() for journey in played["journeys"]}
    assert {e: {t: c[t] for t in once} for e, c in counts.items()} == dict.fromkeys(counts, once)
    views = played["views"]
    assert {e: len(v["responses"]) for e, v in views.items()} == dict.fromkeys(views, 1), "a second team was sent"
    assert {e: [h["status"] for h in v["handoffs"]] for e, v in views.items()} == dict.fromkeys(views, ["completed"])
    checkins = {e: [c["status"] for c in v["followups"]["checkins"]] for e, v in views.items()}
    assert checkins == dict.fromkeys(views, ["completed", "completed"]), "a check-in was scheduled twice"


def test_a_wrong_secret_makes_only_its_service_unhealthy_with_a_line_naming_it(county):
    good = {name: county.settings[name] for name in ("CONTINUUM_VAULT_KEYS", "CONTINUUM_HANDOFF_INTAKE_SECRET")}
    county.set("CONTINUUM_VAULT_KEYS", "'[\"not-a-fernet-key\"]'")
    county.set("CONTINUUM_HANDOFF_INTAKE_SECRET", "short-secret")
    try:
        result = county.compose("up", "--detach", "--wait", "--wait-timeout", "90", "intake", "handoff", check=False)
        assert result.returncode != 0, "compose up --wait passed with a wrong secret"
        health = county.health()
        assert health["intake"] != "healthy" and health["handoff"] != "healthy", health
        others = INFRASTRUCTURE | {"dispatch", "followup", "board"}
        assert {name: health[name] for name in others} == dict.fromkeys(others, "healthy")
        for name in ("dispatch", "followup", "board"):
            assert httpx.get(f"{county.urls[name]}/health", timeout=10).status_code == 200, name
        logs = {name: county.compose("logs", "--no-color", name).stdout for name in ("intake", "handoff")}
        assert "intake: cannot start: CONTINUUM_VAULT_KEYS" in logs["intake"] and "not a Fernet key" in logs["intake"]
        assert "handoff: cannot start: CONTINUUM_INTAKE_SECRET: is shorter than 24 characters" in logs["handoff"]
        assert "not-a-fernet-key" not in logs["intake"] and "short-secret" not in logs["handoff"]
        assert "Traceback" not in logs["intake"] + logs["handoff"]
    finally:
        county.set("CONTINUUM_VAULT_KEYS", f"'{good['CONTINUUM_VAULT_KEYS']}'")
        county.set("CONTINUUM_HANDOFF_INTAKE_SECRET", good["CONTINUUM_HANDOFF_INTAKE_SECRET"])
        county.up("intake", "handoff")
    assert set(county.health().values()) == {"healthy"}


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
