"""Runs the four services as separate OS processes against one broker, for the demo, tests and bench."""

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from continuum_sim.accounts import BOARD_AT_DISPATCH, HANDOFF_AT_INTAKE, partner_secret

SERVICES = ("intake", "dispatch", "handoff", "followup")


# Ports for the services' listeners: below the Kafka test cluster's (29092 on) and outside the range the kernel
# gives outgoing connections (32768-60999 by default), so that no client's connection takes one before its
# service binds it.
_LISTENER_PORTS = range(20000, 29000)
_handed_out: set[int] = set()


def outgoing_ports() -> range:
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port() -> int:
    """A port nothing listens on now, never handed out before by this process (two services of one stack never
    share one), and none the kernel would give an outgoing connection (a service restarted on its port finds
    it free)."""
    outgoing = outgoing_ports()
    candidates = [port for port in _LISTENER_PORTS if port not in outgoing and port not in _handed_out]
    for port in random.sample(candidates, len(candidates)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port left in {_LISTENER_PORTS}")


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"continuum_{self.name}"], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def wait_healthy(self, timeout: float = 120.0) -> dict:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                response = httpx.get(f"{self.url}/health", timeout=2.0)
                last = response.json()
                if last.get("service") != self.name:
                    raise RuntimeError(
                        f"{self.url} answers as {last.get('service')!r}, not {self.name}: its port is taken"
                    )
                if response.status_code == 200:
                    return last
            except httpx.HTTPError as exc:
                last = exc
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not healthy after {timeout}s (last: {last}); see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks run, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stack:
    """Four services as processes sharing a broker, each with its own database. ``instances`` > 1 starts that
    many processes of every service, each on its own HTTP port, on the same database and consumer group (a
    database URL per service: the SQLite file is the single-instance default); ``services`` holds the first."""

    kafka_bootstrap: str
    workdir: Path
    topic: str = "continuum.episode-events"
    group_prefix: str = "continuum"
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    otlp_endpoint: str | None = None  # where the services export their traces (OTLP/HTTP)
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    instances: int = 1
    replicas: dict[str, list[ServiceProcess]] = field(default_factory=dict)  # every process of each service

    def __post_init__(self) -> None:
        if self.instances > 1 and set(SERVICES) - set(self.database_urls):
            raise ValueError("several instances of a service share one database: give each a database URL")
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            env = {
                **os.environ,
                # The demo's, the day's, the bench's and the tests' county: the public development vault keys
                # are accepted (production refuses them); extra_env may say otherwise.
                "CONTINUUM_ENVIRONMENT": "development",
                "CONTINUUM_HTTP_PORT": str(free_port()),
                "CONTINUUM_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
                "CONTINUUM_DATA_DIR": str(self.workdir / "data"),
                "CONTINUUM_EPISODE_TOPIC": self.topic,
                "CONTINUUM_DEAD_LETTER_TOPIC": f"{self.topic}.dlq",
                "CONTINUUM_GROUP_PREFIX": self.group_prefix,
                "CONTINUUM_ADMIN_TOKEN": self.admin_token,
                **self.extra_env,
            }
            if self.otlp_endpoint:
                env["CONTINUUM_OTLP_ENDPOINT"] = self.otlp_endpoint
            if name in self.database_urls:
                env["CONTINUUM_DATABASE_URL"] = self.database_urls[name]
            self.services[name] = ServiceProcess(
                name, int(env["CONTINUUM_HTTP_PORT"]), env, self.workdir / f"{name}.log"
            )
        # Handoff asks intake for disclosures as a partner of its own; the simulator registers it there.
        self.services["handoff"].env.setdefault("CONTINUUM_INTAKE_URL", self.services["intake"].url)
        self.services["handoff"].env.setdefault(
            "CONTINUUM_INTAKE_SECRET", partner_secret(self.admin_token, HANDOFF_AT_INTAKE)
        )
        for name, first in self.services.items():
            self.replicas[name] = [first]
            for n in range(2, self.instances + 1):
                env = {**first.env, "CONTINUUM_HTTP_PORT": str(free_port())}
                port = int(env["CONTINUUM_HTTP_PORT"])
                self.replicas[name].append(ServiceProcess(name, port, env, self.workdir / f"{name}-{n}.log"))

    @property
    def processes(self) -> list[ServiceProcess]:
        return [process for replicas in self.replicas.values() for process in replicas]

    @property
    def urls(self) -> dict[str, str]:
        return {name: service.url for name, service in self.services.items()}

    def start(self, timeout: float = 120.0) -> None:
        """Start every service and wait until each is healthy; if one is not, stop them all (none is left behind)."""
        try:
            for service in self.processes:
                service.start()
            for service in self.processes:
                service.wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def restart(self, name: str) -> None:
        self.services[name].start()
        self.services[name].wait_healthy()

    def stop(self) -> None:
        for service in self.processes:
            service.stop()

    @classmethod
    def of_its_own(cls, kafka_bootstrap: str, workdir: Path, name: str, **settings: str) -> "Stack":
        """A county on a topic and consumer groups of its own, so that no other test's events reach it.
        ``settings`` are CONTINUUM_* values, named without the prefix (``timer_sweep_seconds="0.5"``)."""
        topic = f"test.{name}.{secrets.token_hex(5)}"
        env = {f"CONTINUUM_{key.upper()}": value for key, value in settings.items()}
        return cls(kafka_bootstrap, workdir, topic=topic, group_prefix=topic, extra_env=env)

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class BoardProcess(ServiceProcess):
    """The board, whose partner account at dispatch (for the roster) county IT registers before it starts:
    a board reading with an account dispatch does not know yet would be failed sign-ins, and dispatch limits
    those per client address (here every process's)."""

    dispatch: ServiceProcess | None = None
    admin_token: str = ""

    def start(self, timeout: float = 240.0) -> None:
        if self.dispatch is not None:
            self.dispatch.wait_healthy(timeout)
            account = {"partner_id": BOARD_AT_DISPATCH, "secret": self.env["CONTINUUM_DISPATCH_SECRET"]}
            answer = httpx.post(
                f"{self.dispatch.url}/v1/admin/partners",
                json=account,
                headers={"Authorization": f"Bearer {self.admin_token}"},
                timeout=10.0,
            )
            if answer.status_code not in (201, 409):  # 409: registered by an earlier start
                raise RuntimeError(f"cannot register the board at dispatch: {answer.status_code} {answer.text[:200]}")
        super().start()


def board_process(stack: Stack, log_path: Path, **settings: str) -> ServiceProcess:
    """The operations board as a process of its own beside ``stack``: its own group on the same topic, its own
    database, dispatch's roster read over HTTP as a partner of dispatch. ``settings`` are more CONTINUUM_*
    values (name without prefix)."""
    env = {
        **stack.services["intake"].env,
        "CONTINUUM_HTTP_PORT": str(free_port()),
        "CONTINUUM_DISPATCH_URL": stack.urls["dispatch"],
        "CONTINUUM_DISPATCH_PARTNER_ID": BOARD_AT_DISPATCH,
        "CONTINUUM_DISPATCH_SECRET": partner_secret(stack.admin_token, BOARD_AT_DISPATCH),
        **{f"CONTINUUM_{name.upper()}": value for name, value in settings.items()},
    }
    env.pop("CONTINUUM_DATABASE_URL", None)
    dispatch, port = stack.services["dispatch"], int(env["CONTINUUM_HTTP_PORT"])
    return BoardProcess("board", port, env, log_path, dispatch=dispatch, admin_token=stack.admin_token)
