"""The county deployment's files as the compose and image tests read them, and the compose validator's call."""

import json
import subprocess
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / "compose.env.example"
INSTALL = "deploy/install.sh"
APP_PORTS = {"intake": 8001, "dispatch": 8002, "handoff": 8003, "followup": 8004, "board": 8005}
APP_SERVICES = list(APP_PORTS)


def settings_class(service: str) -> type:
    """A service's settings class, by the service's name (``continuum_<service>.config``)."""
    import importlib

    name = {"board": "BoardSettings"}.get(service, f"{service.capitalize()}Settings")
    return getattr(importlib.import_module(f"continuum_{service}.config"), name)


INFRASTRUCTURE = {"kafka", "postgres", "jaeger"}
SECRETS = [
    "POSTGRES_PASSWORD",
    "CONTINUUM_ADMIN_TOKEN",
    "CONTINUUM_VAULT_KEYS",
    "CONTINUUM_VAULT_INDEX_KEY",
    "CONTINUUM_HANDOFF_INTAKE_SECRET",
    "CONTINUUM_BOARD_DISPATCH_SECRET",
    "CONTINUUM_HMIS_ID_KEY",
]
DEV_TOOLS = {"pytest", "pytest-asyncio", "pytest-timeout", "ruff"}


def secret_values() -> dict[str, str]:
    return {
        "POSTGRES_PASSWORD": "9f3c1a7e5b2d4f6a8c0e1b3d5f7a9c2e",
        "CONTINUUM_ADMIN_TOKEN": "admin-token-for-the-county-0123456789",
        "CONTINUUM_VAULT_KEYS": "'" + json.dumps([Fernet.generate_key().decode()]) + "'",
        "CONTINUUM_VAULT_INDEX_KEY": "index-key-0123456789abcdef0123456789abcdef",
        "CONTINUUM_HANDOFF_INTAKE_SECRET": "handoff-secret-at-intake-0123456789",
        "CONTINUUM_BOARD_DISPATCH_SECRET": "board-secret-at-dispatch-0123456789",
        "CONTINUUM_HMIS_ID_KEY": "hmis-pseudonym-key-0123456789abcdef0123",
    }


def example_settings() -> dict[str, str]:
    """The documented settings of compose.env.example (name -> value as written)."""
    settings = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip()
    return settings


def write_env(tmp_path: Path, *, leave_out: tuple[str, ...] = ()) -> Path:
    """compose.env.example as an operator fills it in: every secret set, except those in leave_out."""
    values = secret_values()
    lines = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        name = line.partition("=")[0].strip()
        if name in values and not line.lstrip().startswith("#"):
            line = f"{name}=" if name in leave_out else f"{name}={values[name]}"
        lines.append(line)
    path = tmp_path / "county.env"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_check(compose_check: Path, env_file: Path, compose_file: Path = COMPOSE_FILE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(compose_check), "--no-os-env", "--env-file", str(env_file), str(compose_file)],
        capture_output=True,
        text=True,
        check=False,
    )


def app_services(project: dict) -> dict[str, dict]:
    return {name: service for name, service in project["services"].items() if name in APP_PORTS}
