"""The workspace's boundaries: services share only contracts and the kit, never each other's code."""

import ast
import subprocess
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["intake", "dispatch", "handoff", "followup"]
MAX_LINES = 300


def imported_packages(folder: Path) -> set[str]:
    packages = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                packages |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                packages.add(node.module.split(".")[0])
    return packages


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service):
    others = {f"continuum_{other}" for other in SERVICES if other != service}
    assert imported_packages(ROOT / "services" / service) & others == set()


def test_board_reads_events_only_never_a_service():
    services = {f"continuum_{service}" for service in SERVICES}
    assert imported_packages(ROOT / "board") & services == set()
    for service in SERVICES:
        assert "continuum_board" not in imported_packages(ROOT / "services" / service)


def test_kit_and_contracts_hold_no_service_code():
    services = {f"continuum_{service}" for service in [*SERVICES, "board"]}
    assert imported_packages(ROOT / "kit") & services == set()
    assert imported_packages(ROOT / "contracts") & (services | {"continuum_kit"}) == set()


def test_only_settings_read_the_environment():
    readers = [
        str(p.relative_to(ROOT))
        for folder in ("kit", "services", "contracts", "board")
        for p in (ROOT / folder).rglob("*.py")
        if "os.environ" in p.read_text() or "getenv" in p.read_text()
    ]
    assert readers == []


def test_no_python_file_outside_migrations_and_contracts_passes_300_lines():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    lines = {
        path: len((ROOT / path).read_text().splitlines())
        for path in tracked
        if not fnmatch(path, "*/migrations/*") and not path.startswith("contracts/") and (ROOT / path).is_file()
    }
    too_long = {path: n for path, n in sorted(lines.items()) if n > MAX_LINES}
    assert too_long == {}, f"over {MAX_LINES} lines, split by meaning: " + ", ".join(
        f"{path} ({n})" for path, n in too_long.items()
    )
