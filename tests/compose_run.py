"""A county deployment run through the real Docker engine: `docker compose` on docker-compose.yml, as county IT runs it.

Each run is a compose project of its own (a unique name, its services published on an address of 127.0.0.0/8 of
its own), so that it meets no other run's containers, networks, volumes or ports, and `down -v` removes exactly
what it made."""

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.deployment import APP_PORTS, COMPOSE_FILE, ROOT, write_env

ENGINE = ROOT / "deploy" / "images" / "engine.sh"
IMAGES = ROOT / "deploy" / "images" / "build.sh"
# For tests only: the broker also on a published port, for the simulated partners who watch the topic.
HOST_KAFKA = ROOT / "tests" / "compose.host-kafka.yml"


def run(args: list[str], timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} ... failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def engine_ready() -> str | None:
    """None once a Docker engine and its plugins answer (deploy/images/engine.sh starts them when missing).

    The one reason to skip: no engine answers this user, and it is not root, so nobody here may start one.
    Anything else that goes wrong (Debian's docker.io not installing, dockerd not starting, a plugin not
    building) is a failure, raised with the script's output: a broken engine must not pass as a skipped test.
    """
    if os.geteuid() != 0 and not _engine_answers():
        return "no Docker engine answers this user, and only root may start one (deploy/images/engine.sh)"
    run(["bash", str(ENGINE)], timeout=1800)
    return None


def _engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return run(["docker", "info"], timeout=60, check=False).returncode == 0


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


@dataclass
class County:
    """One compose project of docker-compose.yml with the documented .env (deploy/compose.env.example, secrets set)."""

    project: str
    env_file: Path
    address: str
    kafka_port: int

    @classmethod
    def fresh(cls, workdir: Path, leave_out: tuple[str, ...] = ()) -> "County":
        """A new project, its .env with every secret set but those in ``leave_out``."""
        address = f"127.{random.randint(16, 250)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        kafka_port = free_port(address)
        env_file = write_env(workdir, leave_out=leave_out)
        with env_file.open("a") as env:
            env.write(f"PUBLISH_ADDRESS={address}\nKAFKA_HOST_PORT={kafka_port}\n")
        return cls(f"continuum-test-{secrets.token_hex(4)}", env_file, address, kafka_port)

    def set(self, name: str, value: str) -> None:
        """One setting of .env changed, as county IT edits the file (takes effect at the next ``up``)."""
        lines = [line for line in self.env_file.read_text().splitlines() if line.partition("=")[0].strip() != name]
        self.env_file.write_text("\n".join([*lines, f"{name}={value}"]) + "\n")

    def compose(self, *args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
        files = ["-f", str(COMPOSE_FILE), "-f", str(HOST_KAFKA)]
        command = ["docker", "compose", "--project-name", self.project, "--env-file", str(self.env_file), *files]
        return run([*command, *args], timeout=timeout, check=check)

    def up(self, *services: str) -> None:
        result = self.compose("up", "--detach", "--wait", "--wait-timeout", "600", *services, timeout=900, check=False)
        if result.returncode != 0:  # say which container did not become healthy, and what it logged
            states = self.health()
            logs = self.compose("logs", "--no-color", "--tail", "20", check=False).stdout
            raise RuntimeError(f"compose up failed: {result.stderr.strip()}\n{states}\n{logs}")

    def down(self, *args: str) -> None:
        self.compose("down", "--timeout", "30", *args)

    @property
    def settings(self) -> dict[str, str]:
        values = {}
        for line in self.env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            if name and not name.startswith("#"):
                values[name.strip()] = value.strip().strip("'")
        return values

    @property
    def urls(self) -> dict[str, str]:
        return {name: f"http://{self.address}:{port}" for name, port in APP_PORTS.items()}

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.address}:{self.kafka_port}"

    def health(self) -> dict[str, str]:
        """Each container's health (or its state, where it has no health yet: restarting, exited)."""
        return {row["Service"]: row.get("Health") or row["State"] for row in self.containers()}

    def containers(self) -> list[dict]:
        """`docker compose ps` of every container of the project, running or not."""
        out = self.compose("ps", "--all", "--format", "json").stdout
        # Compose prints one JSON object per line (older releases: one JSON list).
        rows = [json.loads(line) for line in out.splitlines() if line.strip()]
        return [row for item in rows for row in (item if isinstance(item, list) else [item])]

    def psql(self, database: str, sql: str) -> str:
        result = self.compose(
            "exec", "-T", "postgres", "psql", "-U", "continuum", "-d", database, "-tAc", sql, timeout=60
        )
        return result.stdout.strip()

    def leftovers(self) -> dict[str, list[str]]:
        """What the engine still holds of this project: containers, networks, volumes (by compose's label)."""
        label = f"label=com.docker.compose.project={self.project}"
        found = {}
        for kind, listing in {
            "containers": ["docker", "ps", "--all", "--quiet", "--filter", label],
            "networks": ["docker", "network", "ls", "--quiet", "--filter", label],
            "volumes": ["docker", "volume", "ls", "--quiet", "--filter", label],
        }.items():
            found[kind] = run(listing, timeout=60).stdout.split()
        return found
