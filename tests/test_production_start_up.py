"""A service started as county IT starts it, outside development: a default secret stops the real process at
start-up with one line naming the setting and exit status 2; the county's own secrets start it."""

import json
import os

import pytest
from continuum_intake.config import DEVELOPMENT_INDEX_KEY, DEVELOPMENT_VAULT_KEY
from continuum_sim.stack import ServiceProcess, free_port
from cryptography.fernet import Fernet

from tests.deployment import APP_SERVICES

ADMIN_TOKEN = "county-admin-token-0123456789"
WAY_OUT = "(or CONTINUUM_ENVIRONMENT=development)"


def production_process(name: str, tmp_path, **settings: str) -> ServiceProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONTINUUM_")}
    env |= {
        "CONTINUUM_ENVIRONMENT": "production",
        "CONTINUUM_HTTP_PORT": str(free_port()),
        "CONTINUUM_DATA_DIR": str(tmp_path / "data"),
        **{f"CONTINUUM_{key.upper()}": value for key, value in settings.items()},
    }
    return ServiceProcess(name, int(env["CONTINUUM_HTTP_PORT"]), env, tmp_path / f"{name}.log")


def refused_lines(process: ServiceProcess) -> list[str]:
    process.start()
    assert process.process is not None
    assert process.process.wait(timeout=120) == 2
    return process.log_path.read_text().splitlines()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_a_service_without_an_admin_token_does_not_start_in_production(tmp_path, service):
    settings = {"vault_keys": json.dumps([Fernet.generate_key().decode()]), "vault_index_key": "k" * 40}
    lines = refused_lines(production_process(service, tmp_path, **settings))
    assert lines == [
        f"{service}: cannot start: CONTINUUM_ADMIN_TOKEN is unset; set a token of your own, at least "
        f"16 characters {WAY_OUT}"
    ]


def test_intake_with_the_development_vault_keys_does_not_start_in_production(tmp_path):
    lines = refused_lines(production_process("intake", tmp_path, admin_token=ADMIN_TOKEN))
    assert lines == [
        f"intake: cannot start: CONTINUUM_VAULT_KEYS holds the development key; set keys of your own {WAY_OUT}",
        f"intake: cannot start: CONTINUUM_VAULT_INDEX_KEY is the development key; set a key of your own {WAY_OUT}",
    ]
    log = "\n".join(lines)
    assert DEVELOPMENT_VAULT_KEY not in log and DEVELOPMENT_INDEX_KEY not in log and ADMIN_TOKEN not in log


def test_a_board_that_would_send_sessions_over_plain_http_does_not_start_in_production(tmp_path):
    board = production_process("board", tmp_path, admin_token=ADMIN_TOKEN, session_cookie_secure="false")
    assert refused_lines(board) == [
        "board: cannot start: CONTINUUM_SESSION_COOKIE_SECURE is false: operators' sessions would travel over plain "
        f"HTTP; serve the board over HTTPS and leave it true {WAY_OUT}"
    ]


@pytest.mark.kafka
def test_intake_with_the_countys_own_secrets_starts_in_production(tmp_path, kafka_bootstrap, topic):
    intake = production_process(
        "intake",
        tmp_path,
        admin_token=ADMIN_TOKEN,
        vault_keys=json.dumps([Fernet.generate_key().decode()]),
        vault_index_key="the-county-own-blind-index-key-0123456789",
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        group_prefix=topic,
    )
    intake.start()
    try:
        assert intake.wait_healthy()["status"] == "ok"
    finally:
        intake.stop()
    assert "DEVELOPMENT" not in intake.log_path.read_text()


@pytest.mark.parametrize(("service", "setting"), [("handoff", "intake_secret"), ("board", "dispatch_secret")])
def test_a_service_whose_own_partner_secret_is_too_short_to_be_registered_does_not_start(tmp_path, service, setting):
    short = "too-short-secret"
    lines = refused_lines(production_process(service, tmp_path, admin_token=ADMIN_TOKEN, **{setting: short}))
    assert lines == [
        f"{service}: cannot start: CONTINUUM_{setting.upper()}: is shorter than 24 characters: no partner account "
        "can have it, so the other service would refuse every call; set the secret registered for this service there"
    ]
    assert short not in "\n".join(lines)
