"""The county deployment as county IT gets it: docker-compose.yml, loaded by a real Compose implementation.

That is compose-spec/compose-go, the loader of `docker compose`, built from deploy/compose-check; the services'
Dockerfiles and the install step they share with CI are tested in test_images."""

import importlib
import inspect
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from continuum_kit.settings import ServiceSettings
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.deployment import (
    APP_PORTS,
    APP_SERVICES,
    COMPOSE_FILE,
    ENV_EXAMPLE,
    INFRASTRUCTURE,
    INSTALL,
    ROOT,
    SECRETS,
    app_services,
    example_settings,
    run_check,
    secret_values,
    write_env,
)

# ---- the validator --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def compose_check() -> Path:
    build = subprocess.run(
        ["bash", str(ROOT / "deploy" / "compose-check" / "build.sh")], capture_output=True, text=True, check=False
    )
    if build.returncode != 0:
        pytest.fail(f"building deploy/compose-check failed:\n{build.stderr}")
    return Path(build.stdout.strip())


@pytest.fixture(scope="session")
def raw_compose() -> dict:
    """docker-compose.yml as written, before interpolation: where each value comes from."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def project(compose_check, tmp_path_factory) -> dict:
    result = run_check(compose_check, write_env(tmp_path_factory.mktemp("env")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# ---- (a) a complete env file gives the whole county deployment ----------------------------------------------


def test_complete_env_file_gives_every_part(project):
    assert set(project["services"]) == INFRASTRUCTURE | set(APP_PORTS)
    assert project["name"] == "continuum"


def test_every_container_has_a_health_check(project):
    for name, service in project["services"].items():
        check = service.get("healthcheck") or {}
        assert check.get("test") and check["test"][0] in {"CMD", "CMD-SHELL"}, f"{name} has no health check"
        assert not check.get("disable"), name


def test_app_health_checks_ask_the_service_health_endpoint(project):
    for name, service in app_services(project).items():
        command = " ".join(service["healthcheck"]["test"])
        assert "/health" in command and "CONTINUUM_HTTP_PORT" in command, name
        assert service["environment"]["CONTINUUM_HTTP_PORT"] == str(APP_PORTS[name])


def test_every_dependency_waits_until_healthy(project):
    for name, service in project["services"].items():
        for dependency, how in (service.get("depends_on") or {}).items():
            assert how["condition"] == "service_healthy", f"{name} -> {dependency}: {how['condition']}"
    for name, service in app_services(project).items():
        assert {"kafka", "postgres", "jaeger"} <= set(service.get("depends_on") or {}), name


def test_each_app_service_builds_from_its_own_dockerfile(project):
    dockerfiles = {}
    for name, service in app_services(project).items():
        build = service["build"]
        assert Path(build["context"]) == ROOT, name
        dockerfiles[name] = build["dockerfile"]
        text = (ROOT / build["dockerfile"]).read_text()
        assert f"{INSTALL} continuum-{name}" in text, f"{build['dockerfile']} does not install continuum-{name}"
        assert f'CMD ["python", "-m", "continuum_{name}"]' in text
    assert len(set(dockerfiles.values())) == len(dockerfiles), f"services share a Dockerfile: {dockerfiles}"


def test_data_lives_in_named_volumes(project):
    assert {"kafka-data", "postgres-data"} <= set(project["volumes"])
    kafka = project["services"]["kafka"]
    kafka_mounts = {m["source"]: m["target"] for m in kafka["volumes"] if m["type"] == "volume"}
    assert kafka_mounts.get("kafka-data") == kafka["environment"]["KAFKA_LOG_DIRS"]
    postgres_mounts = {m["source"]: m["target"] for m in project["services"]["postgres"]["volumes"]}
    assert postgres_mounts.get("postgres-data") == "/var/lib/postgresql/data"


def test_traces_go_to_jaeger(project):
    jaeger = project["services"]["jaeger"]
    assert "jaeger" in jaeger["image"]
    assert any(p["target"] == 16686 for p in jaeger.get("ports", [])), "Jaeger UI is not published"
    for name, service in app_services(project).items():
        assert service["environment"]["CONTINUUM_OTLP_ENDPOINT"] == "http://jaeger:4318", name


def test_each_service_has_its_own_database_and_the_broker(project):
    init_sql = (ROOT / "deploy" / "postgres-init.sql").read_text()
    databases = {}
    for name, service in app_services(project).items():
        url = urlsplit(service["environment"]["CONTINUUM_DATABASE_URL"])
        assert url.scheme == "postgresql+psycopg" and url.hostname == "postgres", name
        assert url.password == secret_values()["POSTGRES_PASSWORD"], name
        databases[name] = url.path.lstrip("/")
        assert f"'{databases[name]}'" in init_sql, f"{databases[name]} is not created by deploy/postgres-init.sql"
        advertised = project["services"]["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
        assert f"//{service['environment']['CONTINUUM_KAFKA_BOOTSTRAP']}" in advertised, name
    assert databases == {name: f"continuum_{name}" for name in APP_PORTS}


def test_only_services_and_the_trace_ui_are_published_on_this_machine_by_default(project):
    for name in ("kafka", "postgres"):
        assert not project["services"][name].get("ports"), f"{name} is published"
    for name, service in app_services(project).items():
        assert [(p["host_ip"], p["target"]) for p in service["ports"]] == [("127.0.0.1", APP_PORTS[name])]


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"continuum_{service}.config")
    return next(
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ServiceSettings) and cls is not ServiceSettings and cls.__module__ == module.__name__
    )


@pytest.mark.parametrize("service", list(APP_PORTS))
def test_every_continuum_variable_is_a_real_setting(project, service):
    settings = settings_class(service)
    env = project["services"][service]["environment"]
    unknown = {key for key in env if key.startswith("CONTINUUM_") and key[10:].lower() not in settings.model_fields}
    assert unknown == set(), f"{service} does not read {unknown}"
    assert settings.model_fields["http_port"].default == APP_PORTS[service]


def _secret_fields(service: str) -> set[str]:
    settings = settings_class(service)
    return {
        name
        for name, field in settings.model_fields.items()
        if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ()))
        or "SecretStr" in str(field.annotation)
    }


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_secret_setting_is_set_from_a_required_variable(project, raw_compose, service):
    secret_fields = _secret_fields(service)
    assert "admin_token" in secret_fields
    env = project["services"][service]["environment"]
    raw_env = raw_compose["services"][service]["environment"]
    for field in secret_fields:
        variable = f"CONTINUUM_{field.upper()}"
        assert env.get(variable), f"{service} gets no {variable}"
        assert any(f"${{{secret}:?" in raw_env[variable] for secret in SECRETS), f"{service}.{variable} has a default"


def test_intake_gets_its_vault_keys_as_a_json_list(project):
    assert {"vault_keys", "vault_index_key"} <= _secret_fields("intake")
    keys = json.loads(project["services"]["intake"]["environment"]["CONTINUUM_VAULT_KEYS"])
    assert len(keys) == 1 and Fernet(keys[0])  # the documented quoting gives intake a JSON list of Fernet keys


# ---- (b) no default secrets: a missing one stops compose, naming it -----------------------------------------


@pytest.mark.parametrize("secret", SECRETS)
def test_missing_secret_is_refused_by_name(compose_check, tmp_path, secret):
    result = run_check(compose_check, write_env(tmp_path, leave_out=(secret,)))
    assert result.returncode != 0
    assert f"required variable {secret} is missing a value" in result.stderr
    assert result.stdout == ""


def test_the_example_env_file_as_shipped_is_refused(compose_check):
    result = run_check(compose_check, ENV_EXAMPLE)
    assert result.returncode != 0
    assert all(secret in result.stderr for secret in SECRETS), result.stderr


def test_every_variable_the_compose_file_reads_is_documented_with_its_default():
    documented = example_settings()
    text = COMPOSE_FILE.read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    assert used - set(documented) == set(), "not in deploy/compose.env.example"
    for name, default in re.findall(r"\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}", text):
        assert documented[name] == default, f"{name}: compose default {default!r}, documented {documented[name]!r}"
    assert all(documented[secret] == "" for secret in SECRETS)


def test_the_validator_rejects_what_compose_rejects(compose_check, tmp_path):
    env = write_env(tmp_path)
    typo = tmp_path / "typo.yml"
    typo.write_text("services:\n  a:\n    image: x\n    helthcheck: {test: [CMD, 'true']}\n")
    result = run_check(compose_check, env, typo)
    assert result.returncode != 0 and "helthcheck" in result.stderr
    missing = tmp_path / "missing.yml"
    missing.write_text("services:\n  a:\n    image: x\n    depends_on: {b: {condition: service_healthy}}\n")
    result = run_check(compose_check, env, missing)
    assert result.returncode != 0 and "b" in result.stderr
