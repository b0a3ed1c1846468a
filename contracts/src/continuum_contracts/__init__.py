"""Continuum's event language: the CloudEvents envelope, versioned payloads and topic names."""

from continuum_contracts.catalogue import CATALOGUE, event_type_of, model_for, type_name_of
from continuum_contracts.envelope import Envelope, InvalidEvent, KafkaRecord, from_kafka, to_kafka
from continuum_contracts.topics import DEAD_LETTER_TOPIC, EPISODE_TOPIC

__all__ = [
    "CATALOGUE",
    "DEAD_LETTER_TOPIC",
    "EPISODE_TOPIC",
    "Envelope",
    "InvalidEvent",
    "KafkaRecord",
    "event_type_of",
    "from_kafka",
    "model_for",
    "to_kafka",
    "type_name_of",
]
