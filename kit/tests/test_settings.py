"""The settings every service shares: what county IT can write in the environment, and what is refused."""

import pytest
from continuum_kit.settings import ServiceSettings
from pydantic import ValidationError


def test_several_broker_addresses_are_read_as_a_list_for_the_kafka_clients(monkeypatch):
    monkeypatch.setenv("CONTINUUM_KAFKA_BOOTSTRAP", "kafka-1:9092, kafka-2:9092,kafka-3:9092")
    assert ServiceSettings().kafka_servers == ["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]


@pytest.mark.parametrize("bootstrap", ["kafka-1", "kafka-1:9092,", "kafka-1:nine"])
def test_a_broker_address_without_host_and_port_is_refused_naming_the_setting(monkeypatch, bootstrap):
    monkeypatch.setenv("CONTINUUM_KAFKA_BOOTSTRAP", bootstrap)
    with pytest.raises(ValidationError, match="kafka_bootstrap"):
        ServiceSettings()
