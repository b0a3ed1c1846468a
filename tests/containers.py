"""Throwaway Kafka and PostgreSQL containers from the project's own images (deploy/images/), through testcontainers.

For a machine that has a Docker engine and neither the Kafka jars nor a PostgreSQL of its own: with
CONTINUUM_TEST_SERVERS=containers the session fixtures of conftest.py start these instead of deploy/kafka.sh and
deploy/postgres.sh. The images are local (bash deploy/images/build.sh kafka postgres) and never pulled.

Testcontainers' reaper (Ryuk) is an image from a registry, so it is off unless TESTCONTAINERS_RYUK_DISABLED says
otherwise: every container is removed here, with its volumes, when its block ends, also when it fails to start.
Each carries the label continuum.test-run=<run id> (CONTINUUM_TEST_RUN_ID, or a fresh one per process), so that
whatever a killed run leaves is found with `docker ps -a --filter label=continuum.test-run`.
"""

import asyncio
import contextlib
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")

import docker  # noqa: E402  (testcontainers reads its settings from the environment)
import psycopg  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient  # noqa: E402
from testcontainers.core.container import DockerContainer  # noqa: E402
from testcontainers.core.waiting_utils import WaitStrategy, WaitStrategyTarget  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KAFKA_IMAGE = os.environ.get("KAFKA_IMAGE", "continuum/kafka:4.1.1")
POSTGRES_IMAGE = os.environ.get("POSTGRES_IMAGE", "continuum/postgres:15")
LABEL = "continuum.test-run"
RUN_ID = os.environ.get("CONTINUUM_TEST_RUN_ID") or uuid.uuid4().hex[:12]
START_TIMEOUT = float(os.environ.get("CONTINUUM_CONTAINER_START_TIMEOUT", "180"))

KAFKA_PORT = 9092  # the clients' listener, published on a free host port and advertised as that
BROKER_PORT = 9094  # the broker's own listener (inter-broker traffic, the image's health check), inside only
ADVERTISED = "/tmp/advertised.listeners"
# The image's entrypoint takes every setting from KAFKA_* variables, but the advertised address of the published
# port is known only once the container runs: the broker starts when that address has been written into it.
KAFKA_ENTRYPOINT = (
    f"until [ -s {ADVERTISED} ]; do sleep 0.1; done; "
    f'export KAFKA_ADVERTISED_LISTENERS="$(cat {ADVERTISED})"; exec /opt/kafka/bin/kafka-entrypoint'
)
# A single KRaft node set up like deploy/kafka/node.sh's, so that tests meet the broker they meet there.
KAFKA_ENV = {
    "CLUSTER_ID": "cOnTiNuUmTeStCoNtAiNeR",
    "KAFKA_NODE_ID": "1",
    "KAFKA_PROCESS_ROLES": "broker,controller",
    "KAFKA_LISTENERS": f"PLAINTEXT://:{KAFKA_PORT},BROKER://:{BROKER_PORT},CONTROLLER://:9093",
    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
    "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
    "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
    "KAFKA_READY_BOOTSTRAP": f"localhost:{BROKER_PORT}",
    "KAFKA_NUM_PARTITIONS": "6",
    "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "true",
    "KAFKA_DEFAULT_REPLICATION_FACTOR": "1",
    "KAFKA_MIN_INSYNC_REPLICAS": "1",
    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
    "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS": "12",
    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
    "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
    "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
    "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    "KAFKA_LOG_SEGMENT_BYTES": "16777216",
}
POSTGRES_USER = "continuum"
POSTGRES_DB = "continuum_test"
# Throwaway data, traded for speed as deploy/postgres.sh does; the entrypoint hands these to postgres.
POSTGRES_COMMAND = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
POSTGRES_COMMAND += ["-c", "max_connections=200"]


class Answers(WaitStrategy):
    """Ready once ``check(container)`` is true: a real round trip to the server, not an open port.

    A container that has exited fails at once (its logs say why) instead of after the whole timeout."""

    def __init__(self, what: str, check: Callable[[DockerContainer], bool]) -> None:
        super().__init__()
        self._what = what
        self._check = check
        self.with_startup_timeout(START_TIMEOUT).with_poll_interval(0.5)

    def wait_until_ready(self, container: WaitStrategyTarget) -> None:
        def attempt() -> bool:
            container.reload()
            if container.status in ("exited", "dead"):
                raise RuntimeError(f"the {self._what} container stopped: {_logs(container)}")
            return self._check(container)

        if not self._poll(attempt):
            raise TimeoutError(f"the {self._what} container did not answer within {self._startup_timeout:.0f} s")


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """No log lines of the client for each refused attempt while the broker is still starting."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _logs(container: WaitStrategyTarget) -> str:
    out, err = container.get_logs()
    return (out + err).decode(errors="replace")[-4000:]


def _labelled(image: str) -> DockerContainer:
    client = docker.from_env()
    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        raise RuntimeError(f"no image {image} here: build it with `bash deploy/images/build.sh`") from None
    finally:
        client.close()
    return DockerContainer(image)


@contextlib.contextmanager
def _running(container: DockerContainer) -> Iterator[DockerContainer]:
    """Starts the container and removes it (and its volumes) afterwards, also when it never became ready."""
    try:
        container.start()
        yield container
    finally:
        container.stop(force=True, delete_volume=True)


def kafka_address(container: DockerContainer) -> str:
    return f"{container.get_container_host_ip()}:{container.get_exposed_port(KAFKA_PORT)}"


def _advertise(container: DockerContainer) -> None:
    listeners = f"PLAINTEXT://{kafka_address(container)},BROKER://localhost:{BROKER_PORT}"
    write = f"printf %s '{listeners}' >{ADVERTISED}.new && mv {ADVERTISED}.new {ADVERTISED}"
    result = container.exec(["bash", "-c", write])
    if result.exit_code != 0:
        raise RuntimeError(f"could not hand the advertised listeners to the broker: {result.output!r}")


async def _describe_cluster(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
    finally:
        await admin.close()
    return [f"{broker['host']}:{broker['port']}" for broker in cluster["brokers"]]


def _kafka_answers(container: DockerContainer) -> bool:
    """A metadata round trip from here, through the published port, naming the broker by the address it gave."""
    address = kafka_address(container)
    with _quiet("aiokafka"), ThreadPoolExecutor(1) as pool:  # its own event loop, whatever loop the caller runs
        try:
            brokers = pool.submit(asyncio.run, _describe_cluster(address)).result()
        except Exception:  # not up yet: refused, reset, timed out, no metadata
            return False
    return brokers == [address]


class _KafkaReady(Answers):
    def __init__(self) -> None:
        super().__init__("Kafka", _kafka_answers)

    def wait_until_ready(self, container: WaitStrategyTarget) -> None:
        _advertise(container)
        super().wait_until_ready(container)


@contextlib.contextmanager
def kafka() -> Iterator[str]:
    """A single-node KRaft broker from continuum/kafka; yields its bootstrap address on this machine."""
    container = (
        _labelled(KAFKA_IMAGE)
        .with_envs(**KAFKA_ENV)
        .with_exposed_ports(KAFKA_PORT)
        .with_kwargs(entrypoint=["bash", "-c", KAFKA_ENTRYPOINT], labels={LABEL: RUN_ID})
        .waiting_for(_KafkaReady())
    )
    with _running(container):
        yield kafka_address(container)


def postgres_url(container: DockerContainer, password: str) -> str:
    host, port = container.get_container_host_ip(), container.get_exposed_port(5432)
    return f"postgresql://{POSTGRES_USER}:{password}@{host}:{port}/{POSTGRES_DB}"


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """PostgreSQL from continuum/postgres with the service databases of deploy/postgres-init.sql; yields the
    superuser's URL of its test database."""
    password = secrets.token_hex(16)

    def answers(container: DockerContainer) -> bool:
        try:
            with psycopg.connect(postgres_url(container, password), connect_timeout=3) as conn:
                databases = conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'continuum_board'")
                return databases.fetchone()[0] == 1
        except psycopg.OperationalError:  # still initialising: the server listens on its socket only
            return False

    container = (
        _labelled(POSTGRES_IMAGE)
        .with_envs(POSTGRES_USER=POSTGRES_USER, POSTGRES_PASSWORD=password, POSTGRES_DB=POSTGRES_DB)
        .with_exposed_ports(5432)
        .with_command(POSTGRES_COMMAND)
        .with_copy_into_container(ROOT / "deploy" / "postgres-init.sql", "/docker-entrypoint-initdb.d/10-databases.sql")
        .with_kwargs(labels={LABEL: RUN_ID})
        .waiting_for(Answers("PostgreSQL", answers))
    )
    with _running(container):
        yield postgres_url(container, password)


def containers_of_run(run_id: str) -> list[str]:
    """The names of every container, running or not, that carries the run's label."""
    client = docker.from_env()
    try:
        return [c.name for c in client.containers.list(all=True, filters={"label": f"{LABEL}={run_id}"})]
    finally:
        client.close()
