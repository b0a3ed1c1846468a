"""Shared fixtures: the real Kafka broker and PostgreSQL server, started by the project's own scripts or, with
CONTINUUM_TEST_SERVERS=containers, from the project's images through testcontainers."""

import importlib.util
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent
KAFKA_PORT = int(os.environ.get("KAFKA_PORT", "19092"))
PG_PORT = int(os.environ.get("PG_PORT", "15432"))

# Tests build settings with the development vault keys and often no admin token, which production refuses
# (kit/src/continuum_kit/settings.py); a test of production says so in its own settings or environment.
os.environ["CONTINUUM_ENVIRONMENT"] = "development"


def _servers() -> str:
    """Where the servers come from when no CONTINUUM_TEST_KAFKA / CONTINUUM_TEST_POSTGRES names them: `local`
    (deploy/kafka.sh's Maven jars, deploy/postgres.sh's PostgreSQL) or `containers` (the project's images, through
    testcontainers: tests/containers.py)."""
    servers = os.environ.get("CONTINUUM_TEST_SERVERS", "local")
    if servers not in ("local", "containers"):
        raise pytest.UsageError(f"CONTINUUM_TEST_SERVERS={servers!r}: use local or containers")
    return servers


def _containers():
    """tests/containers.py, loaded by its path: conftest.py also serves test directories that cannot import
    `tests`, and the default run never loads testcontainers."""
    if (module := sys.modules.get("continuum_test_containers")) is None:
        spec = importlib.util.spec_from_file_location("continuum_test_containers", ROOT / "tests" / "containers.py")
        module = sys.modules["continuum_test_containers"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _script(name: str, *args: str) -> str:
    result = subprocess.run(["bash", str(ROOT / "deploy" / name), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"deploy/{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def kafka_bootstrap():
    """A real Apache Kafka broker (KRaft, single node), started here (deploy/kafka.sh, or a container with
    CONTINUUM_TEST_SERVERS=containers) unless CONTINUUM_TEST_KAFKA names one."""
    if external := os.environ.get("CONTINUUM_TEST_KAFKA"):
        yield external
    elif _servers() == "containers":
        with _containers().kafka() as bootstrap:
            yield bootstrap
    else:
        _script("kafka.sh", "start")
        yield f"127.0.0.1:{KAFKA_PORT}"


@pytest.fixture(scope="session")
def kafka_cluster():
    """The three-node form of the local broker (deploy/kafka.sh cluster-start), for the tests that lose a node or
    spread a county over it; shared by them, stopped at the end of the session. Its bootstrap list."""
    _script("kafka.sh", "cluster-start")
    base = int(os.environ.get("KAFKA_CLUSTER_PORT", "29092"))
    yield ",".join(f"127.0.0.1:{base + 2 * node}" for node in range(3))
    _script("kafka.sh", "cluster-stop")


@pytest.fixture(scope="session")
def postgres_admin_url():
    """A real PostgreSQL server, started here (deploy/postgres.sh, or a container with
    CONTINUUM_TEST_SERVERS=containers) unless CONTINUUM_TEST_POSTGRES names one; a superuser's URL."""
    if external := os.environ.get("CONTINUUM_TEST_POSTGRES"):
        yield external
    elif _servers() == "containers":
        with _containers().postgres() as url:
            yield url
    else:
        _script("postgres.sh", "start")
        yield f"postgresql://continuum@127.0.0.1:{PG_PORT}/continuum_test"


@pytest.fixture
def new_postgres_database(postgres_admin_url: str):
    """Makes fresh, empty PostgreSQL databases for one test and drops them afterwards."""
    names: list[str] = []
    base = postgres_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)

    def create() -> str:
        names.append(f"t_{uuid.uuid4().hex[:12]}")
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{names[-1]}"')
        return f"{base}/{names[-1]}"

    yield create
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(new_postgres_database) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return new_postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each store test runs on the embedded default (SQLite) and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def topic() -> str:
    """A topic of the test's own, so no event of another test can reach it."""
    return f"test.episode-events.{uuid.uuid4().hex[:10]}"
