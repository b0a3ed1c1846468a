"""AsyncAPI 3.0 documents: which episode events a service receives and sends, with their schemas.

Built from the catalogue, so the document cannot drift from the models; the committed copies in
``contracts/asyncapi/`` are checked against it by a test and refreshed with ``tools/asyncapi.py --write``.
"""

from collections.abc import Iterable
from typing import Any

from continuum_contracts.catalogue import CATALOGUE
from continuum_contracts.topics import DEAD_LETTER_TOPIC, EPISODE_TOPIC

REF = "#/components/schemas/{model}"
CE_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode, and W3C trace context",
    "required": ["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_subject", "ce_time", "content-type"],
    "properties": {
        "ce_id": {"type": "string", "description": "unique event id: consumers deduplicate on it"},
        "ce_source": {"type": "string", "description": "/continuum/<service>"},
        "ce_type": {"type": "string"},
        "ce_specversion": {"const": "1.0"},
        "ce_subject": {"type": "string", "format": "uuid", "description": "the episode id, also the record key"},
        "ce_time": {"type": "string", "format": "date-time"},
        "content-type": {"const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context of the request that caused it"},
    },
}


def _message_id(event_type: str) -> str:
    return event_type.removeprefix("continuum.").replace(".", "_")


def document(service: str, receives: Iterable[str], sends: Iterable[str]) -> dict[str, Any]:
    receives, sends = sorted(set(receives)), sorted(set(sends))
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type in sorted(set(receives) | set(sends)):
        schema = CATALOGUE[event_type].model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[CATALOGUE[event_type].__name__] = schema
        headers = {**CE_HEADERS, "properties": {**CE_HEADERS["properties"], "ce_type": {"const": event_type}}}
        messages[_message_id(event_type)] = {
            "name": event_type,
            "contentType": "application/json",
            "headers": headers,
            "payload": {"$ref": REF.format(model=CATALOGUE[event_type].__name__)},
        }

    def operation(action: str, event_type: str) -> dict[str, Any]:
        return {
            "action": action,
            "channel": {"$ref": "#/channels/episodeEvents"},
            "messages": [{"$ref": f"#/channels/episodeEvents/messages/{_message_id(event_type)}"}],
        }

    operations = {f"receive_{_message_id(t)}": operation("receive", t) for t in receives}
    operations |= {f"send_{_message_id(t)}": operation("send", t) for t in sends}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"Continuum {service}",
            "version": "1",
            "description": f"Episode events the {service} service receives and sends. Records it cannot "
            f"parse or validate go to {DEAD_LETTER_TOPIC} with a dlq_reason header.",
        },
        "defaultContentType": "application/json",
        "channels": {
            "episodeEvents": {
                "address": EPISODE_TOPIC,
                "description": "every episode event, keyed by episode id",
                "messages": {mid: {"$ref": f"#/components/messages/{mid}"} for mid in messages},
            },
        },
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }
