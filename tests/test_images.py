"""The services' images: one package each, installed by the one step CI runs too (deploy/install.sh)."""

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.deployment import APP_PORTS, DEV_TOOLS, INSTALL, ROOT

# ---- images: one package each, installed by the step CI runs --------------------------------------------------


def instructions(dockerfile: Path) -> list[str]:
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def stages(dockerfile: Path) -> list[list[str]]:
    result: list[list[str]] = []
    for line in instructions(dockerfile):
        if line.upper().startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


@pytest.mark.parametrize("service", list(APP_PORTS))
def test_dockerfile_installs_through_the_shared_script_only(service):
    dockerfile = ROOT / "deploy" / "docker" / f"{service}.Dockerfile"
    runs = [line for line in instructions(dockerfile) if line.upper().startswith("RUN ")]
    installs = [line for line in runs if re.search(r"\b(uv|pip|pip3|poetry|apt-get)\b", line) or INSTALL in line]
    assert installs, f"{dockerfile.name} installs nothing"
    for line in installs:
        assert re.fullmatch(rf"RUN (--mount=\S+ )*bash {INSTALL} (uv|continuum-{service})", line), line
    assert any(line.endswith(f"{INSTALL} continuum-{service}") for line in installs)


@pytest.mark.parametrize("service", list(APP_PORTS))
def test_final_image_is_non_root_and_holds_only_the_environment(service):
    build, final = stages(ROOT / "deploy" / "docker" / f"{service}.Dockerfile")
    assert re.search(r"\bAS build\b", build[0])
    users = [line.split()[1] for line in final if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    copies = [line for line in final if line.upper().startswith(("COPY ", "ADD "))]
    assert copies == ["COPY --from=build /opt/continuum /opt/continuum"]
    assert not any(INSTALL in line for line in final)


def test_ci_installs_with_the_same_script():
    lines = [line.split("#")[0].strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert f"bash {INSTALL} all" in lines
    assert not any(line.startswith("uv sync") or "pip install" in line for line in lines)


def test_build_context_leaves_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {"**/.env", ".git", ".venv", ".cache"} <= ignored


def locked_packages() -> set[str]:
    return {package["name"] for package in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}


@pytest.mark.parametrize("service", list(APP_PORTS))
def test_install_step_puts_one_service_and_no_dev_tools_in_the_environment(tmp_path, service):
    assert f"continuum-{service}" in locked_packages(), f"continuum-{service} is not in uv.lock"
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | {"UV_PROJECT_ENVIRONMENT": str(venv)}
    install = subprocess.run(
        ["bash", str(ROOT / INSTALL), f"continuum-{service}"], env=env, capture_output=True, text=True, check=False
    )
    assert install.returncode == 0, install.stderr
    probe = (
        "import importlib.metadata as m, importlib.util as u, json;"
        "print(json.dumps({'dists': sorted({d.metadata['Name'].lower() for d in m.distributions()}),"
        f"'main': u.find_spec('continuum_{service}.__main__') is not None}}))"
    )
    python = venv / "bin" / "python"
    seen = json.loads(subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout)
    services = {d for d in seen["dists"] if d.startswith("continuum-")} - {"continuum-kit", "continuum-contracts"}
    assert services == {f"continuum-{service}"}
    assert set(seen["dists"]) & DEV_TOOLS == set()
    assert seen["main"], f"python -m continuum_{service} would not start"
    editable = [p.name for p in venv.rglob("*.pth") if str(ROOT) in p.read_text()]
    assert editable == [], "the image would point at the build stage's sources"


# ---- built from the Debian base, nothing pulled: what `make images` builds (deploy/images/) ---------------------

DOCKERFILES = sorted(
    [*(ROOT / "deploy" / "docker").glob("*.Dockerfile"), *(ROOT / "deploy" / "images").glob("*.Dockerfile")]
)


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_every_image_starts_from_a_continuum_image_and_fetches_no_frontend(dockerfile):
    text = dockerfile.read_text()
    assert not re.search(r"^#\s*syntax\s*=", text, re.MULTILINE), "a syntax line pulls a frontend from a registry"
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.MULTILINE))
    stage_names = set()
    for line in instructions(dockerfile):
        if line.upper().startswith("FROM "):
            parts = line.split()
            image = parts[1]
            if image.startswith("${"):
                image = defaults[image.strip("${}")]
            assert image in stage_names or image.startswith("continuum/"), f"{dockerfile.name}: FROM {image}"
            if len(parts) == 4 and parts[2].upper() == "AS":
                stage_names.add(parts[3])


def test_compose_uses_the_images_make_images_builds_tagged_with_the_release():
    compose = (ROOT / "docker-compose.yml").read_text()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for service in APP_PORTS:
        assert f"image: continuum/{service}:${{CONTINUUM_IMAGE_TAG:-{version}}}" in compose, service
    for image in re.findall(r"\$\{[A-Z]+_IMAGE:-([^}]+)\}", compose):
        assert image.startswith("continuum/"), image
