"""The suite runs on a machine that has a Docker engine and no local Kafka jars or PostgreSQL of its own.

A real part of the suite (Kafka delivery, offsets, dead letters, intake on Kafka, every store's migrations on
PostgreSQL) runs in its own pytest with CONTINUUM_TEST_SERVERS=containers, no shared servers named and the jar
cache of deploy/kafka.sh and deploy/postgres.sh made unusable: it passes whole on the throwaway containers of the
project's images (tests/containers.py), which are all gone afterwards. Skipped only where no Docker engine answers
and nobody here may start one."""

import os
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

import docker
import pytest

from tests.compose_run import IMAGES, engine_ready, run
from tests.deployment import ROOT

pytestmark = [pytest.mark.docker, pytest.mark.timeout(1200)]

SUBSET = [
    "kit/tests/test_kafka_delivery.py",
    "kit/tests/test_offsets.py",
    "kit/tests/test_dead_letters.py",
    "services/intake/tests/test_intake_kafka.py",
    "tests/test_migrations.py::test_migrated_schema_matches_the_models",
]
IMAGE_PARTS = {"continuum/kafka:4.1.1": "kafka", "continuum/postgres:15": "postgres"}
LABEL = "continuum.test-run"  # tests/containers.py labels every container it starts with the run's id


@pytest.fixture(scope="module")
def engine():
    """The Docker engine, with the Kafka and PostgreSQL images (built from deploy/images/ where missing)."""
    if why := engine_ready():
        pytest.skip(why)
    client = docker.from_env()
    for image, part in IMAGE_PARTS.items():
        if not client.images.list(name=image):
            run(["bash", str(IMAGES), part], timeout=3600)
    yield client
    client.close()


def started_containers(client: docker.DockerClient, run_id: str, since: float) -> list[str]:
    """The images of the containers the run started, from the engine's own event log."""
    filters = {"label": f"{LABEL}={run_id}", "event": "start"}
    events = client.events(since=int(since), until=int(time.time()) + 1, decode=True, filters=filters)
    return sorted(event["from"] for event in events)


def test_the_subset_passes_on_throwaway_containers_without_the_kafka_jars(engine, tmp_path):
    run_id = uuid.uuid4().hex[:12]
    unusable = tmp_path / "no-cache"
    unusable.write_text("deploy/kafka.sh and deploy/postgres.sh cannot make their state directory here\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith("CONTINUUM_TEST_")}
    env |= {
        "CONTINUUM_TEST_SERVERS": "containers",
        "CONTINUUM_TEST_RUN_ID": run_id,
        "CONTINUUM_CACHE": str(unusable),
        "JAVA": str(tmp_path / "no-java"),
    }
    report = tmp_path / "subset.xml"
    since = time.time()
    command = [sys.executable, "-m", "pytest", *SUBSET, "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1100, check=False)
    output = result.stdout[-6000:] + result.stderr[-2000:]

    assert result.returncode == 0, output
    suite = ET.parse(report).getroot().find("testsuite")
    counts = {name: int(suite.get(name)) for name in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 20, output  # 24 today: a subset that lost its tests proves nothing
    assert (counts["failures"], counts["errors"], counts["skipped"]) == (0, 0, 0), output
    assert started_containers(engine, run_id, since) == sorted(IMAGE_PARTS), output
    left = engine.containers.list(all=True, filters={"label": f"{LABEL}={run_id}"})
    assert [container.name for container in left] == [], output
