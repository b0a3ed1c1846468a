"""Intake's vault keys outside development: the public development keys are refused by name, never echoed."""

import json

import pytest
from continuum_intake.config import DEVELOPMENT_INDEX_KEY, DEVELOPMENT_VAULT_KEY, IntakeSettings
from cryptography.fernet import Fernet
from pydantic import ValidationError

ADMIN_TOKEN = "county-admin-token-0123456789"
OWN_VAULT_KEY = Fernet.generate_key().decode()
OWN_INDEX_KEY = "the-county-own-blind-index-key-0123456789"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "production")
    monkeypatch.setenv("CONTINUUM_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("CONTINUUM_VAULT_KEYS", json.dumps([OWN_VAULT_KEY]))
    monkeypatch.setenv("CONTINUUM_VAULT_INDEX_KEY", OWN_INDEX_KEY)
    return monkeypatch


def refusal(**settings: object) -> str:
    with pytest.raises(ValidationError) as refused:
        IntakeSettings(**settings)
    text = str(refused.value)
    assert DEVELOPMENT_VAULT_KEY not in text and DEVELOPMENT_INDEX_KEY not in text
    return text


def test_production_accepts_keys_of_the_countys_own(production):
    settings = IntakeSettings()
    assert [key.get_secret_value() for key in settings.vault_keys] == [OWN_VAULT_KEY]
    assert settings.default_secrets() == []


def test_production_refuses_the_development_vault_key_naming_it(production):
    production.delenv("CONTINUUM_VAULT_KEYS")
    text = refusal()
    assert "CONTINUUM_VAULT_KEYS holds the development key; set keys of your own" in text
    assert "(or CONTINUUM_ENVIRONMENT=development)" in text
    assert "CONTINUUM_VAULT_INDEX_KEY" not in text


def test_production_refuses_the_development_key_kept_for_rotation(production):
    production.setenv("CONTINUUM_VAULT_KEYS", json.dumps([OWN_VAULT_KEY, DEVELOPMENT_VAULT_KEY]))
    assert "CONTINUUM_VAULT_KEYS holds the development key" in refusal()


def test_production_refuses_the_development_index_key_naming_it(production):
    production.delenv("CONTINUUM_VAULT_INDEX_KEY")
    text = refusal()
    assert "CONTINUUM_VAULT_INDEX_KEY is the development key; set a key of your own" in text
    assert "CONTINUUM_VAULT_KEYS" not in text


def test_production_names_every_default_secret_at_once(production):
    for name in ("CONTINUUM_ADMIN_TOKEN", "CONTINUUM_VAULT_KEYS", "CONTINUUM_VAULT_INDEX_KEY"):
        production.delenv(name)
    text = refusal()
    assert "CONTINUUM_ADMIN_TOKEN is unset" in text
    assert "CONTINUUM_VAULT_KEYS holds the development key" in text
    assert "CONTINUUM_VAULT_INDEX_KEY is the development key" in text


def test_development_accepts_the_development_keys_and_says_which_they_are(monkeypatch):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "development")
    settings = IntakeSettings()
    assert settings.development_secrets() == ["vault_keys", "vault_index_key"]
