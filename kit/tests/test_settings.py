"""The settings every service shares: what county IT can write in the environment, and what is refused."""

import pytest
from continuum_kit.settings import ServiceSettings, load_settings
from pydantic import ValidationError


def test_several_broker_addresses_are_read_as_a_list_for_the_kafka_clients(monkeypatch):
    monkeypatch.setenv("CONTINUUM_KAFKA_BOOTSTRAP", "kafka-1:9092, kafka-2:9092,kafka-3:9092")
    assert ServiceSettings().kafka_servers == ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]


@pytest.mark.parametrize("bootstrap", ["kafka-1", "kafka-1:9092,", "kafka-1:nine"])
def test_a_broker_address_without_host_and_port_is_refused_naming_the_setting(monkeypatch, bootstrap):
    monkeypatch.setenv("CONTINUUM_KAFKA_BOOTSTRAP", bootstrap)
    with pytest.raises(ValidationError, match="kafka_bootstrap"):
        ServiceSettings()


# ---- no default secrets outside development ----------------------------------------------------------------

TOKEN = "a-county-admin-token-0123456789"


def test_the_environment_is_production_unless_it_says_development(monkeypatch):
    monkeypatch.delenv("CONTINUUM_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="CONTINUUM_ADMIN_TOKEN is unset"):
        ServiceSettings()
    assert ServiceSettings(admin_token=TOKEN).environment == "production"


def test_production_refuses_an_unset_admin_token_naming_it_and_the_way_out():
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(environment="production")
    assert "CONTINUUM_ADMIN_TOKEN is unset" in str(refused.value)
    assert "(or CONTINUUM_ENVIRONMENT=development)" in str(refused.value)


def test_development_accepts_an_unset_admin_token(monkeypatch):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "development")
    assert ServiceSettings().admin_token is None


def test_production_accepts_a_token_of_its_own(monkeypatch):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "production")
    monkeypatch.setenv("CONTINUUM_ADMIN_TOKEN", TOKEN)
    assert ServiceSettings().admin_token.get_secret_value() == TOKEN


def test_an_environment_other_than_development_or_production_is_refused(monkeypatch):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "staging")
    with pytest.raises(ValidationError, match="environment"):
        ServiceSettings(admin_token=TOKEN)


def test_a_refused_setting_stops_start_up_with_one_line_naming_it_and_exit_status_2(monkeypatch, capsys):
    monkeypatch.setenv("CONTINUUM_ENVIRONMENT", "production")
    monkeypatch.delenv("CONTINUUM_ADMIN_TOKEN", raising=False)
    with pytest.raises(SystemExit) as stopped:
        load_settings(ServiceSettings)
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "continuum: cannot start: CONTINUUM_ADMIN_TOKEN is unset; set a token of your own, at least 16 characters "
        "(or CONTINUUM_ENVIRONMENT=development)"
    ]


def test_a_bad_secret_is_named_at_start_up_but_never_repeated(monkeypatch, capsys):
    monkeypatch.setenv("CONTINUUM_ADMIN_TOKEN", "short-secret")
    with pytest.raises(SystemExit):
        load_settings(ServiceSettings)
    err = capsys.readouterr().err
    assert err == "continuum: cannot start: CONTINUUM_ADMIN_TOKEN: admin_token must be at least 16 characters\n"
    with pytest.raises(ValidationError) as refused:
        ServiceSettings(admin_token="short-secret")
    assert "short-secret" not in str(refused.value)
