"""A county for the bench: the four services as processes (N of each), on SQLite or on bench databases of
their own on a PostgreSQL server (made here, dropped afterwards), and the CPU each process spends."""

import os
import secrets
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from continuum_sim.accounts import partner_secret
from continuum_sim.stack import SERVICES, Stack

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has spent (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def own_cpu_seconds() -> float:
    """The bench process's own CPU (it plays the partners): what it takes from the same two cores."""
    return cpu_seconds(os.getpid())


@dataclass
class Options:
    kafka: str
    database: str  # "sqlite" or a PostgreSQL server URL the bench may create databases on
    instances: int = 1
    replication: int = 1


@contextmanager
def databases(options: Options, label: str):
    """One database per service (none on SQLite: the stack's own files), dropped when done."""
    if options.database == "sqlite":
        yield {}
        return
    admin = options.database.replace("postgresql+psycopg://", "postgresql://", 1)
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    names = {service: f"bench_{label}_{service}_{uuid.uuid4().hex[:8]}" for service in SERVICES}
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {service: f"{base}/{name}" for service, name in names.items()}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def county(options: Options, label: str, only: tuple[str, ...] = SERVICES):
    """A started stack on a topic and consumer groups of its own; ``only`` names the services to start."""
    topic = f"bench.{label}.{secrets.token_hex(4)}"
    extra = {"CONTINUUM_TOPIC_REPLICATION": str(options.replication)}
    with tempfile.TemporaryDirectory(prefix=f"continuum-bench-{label}-") as tmp, databases(options, label) as urls:
        stack = Stack(
            options.kafka,
            Path(tmp),
            topic=topic,
            group_prefix=topic,
            database_urls=urls,
            extra_env=extra,
            instances=options.instances,
        )
        started = [p for name in only for p in stack.replicas[name]]
        try:
            for process in started:
                process.start()
            for process in started:
                process.wait_healthy()
            yield stack
        finally:
            for process in started:
                process.stop()


class Meter:
    """CPU seconds of each service process (``intake``, ``intake#2``, ...) and of the bench, over a phase."""

    def __init__(self, stack: Stack) -> None:
        self._processes = {
            name if n == 1 else f"{name}#{n}": process
            for name, replicas in stack.replicas.items()
            for n, process in enumerate(replicas, start=1)
            if process.process is not None
        }
        self._before = self._read()

    def _read(self) -> dict[str, float]:
        read = {label: cpu_seconds(p.process.pid) for label, p in self._processes.items()}
        return read | {"bench": own_cpu_seconds()}

    def spent(self) -> dict[str, float]:
        after = self._read()
        return {label: after[label] - self._before[label] for label in after}


def per_service(spent: dict[str, float]) -> dict[str, float]:
    """CPU seconds summed over each service's instances (the bench stays a row of its own)."""
    total: dict[str, float] = {}
    for label, seconds in spent.items():
        service = label.split("#")[0]
        total[service] = total.get(service, 0.0) + seconds
    return total


def register_at_intake(stack: Stack, partner_id: str, channels: list[str]) -> tuple[str, str]:
    """Register one partner system with intake, as county IT does; its HTTP Basic credentials."""
    secret = partner_secret(stack.admin_token, partner_id)
    answer = httpx.post(
        f"{stack.urls['intake']}/v1/admin/partners",
        json={"partner_id": partner_id, "secret": secret, "channels": channels, "event_types": []},
        headers={"Authorization": f"Bearer {stack.admin_token}"},
        timeout=10.0,
    )
    if answer.status_code not in (201, 409):
        raise RuntimeError(f"cannot register {partner_id} at intake: {answer.status_code} {answer.text[:200]}")
    return partner_id, secret
