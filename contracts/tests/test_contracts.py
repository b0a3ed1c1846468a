"""The event language: envelope round trips, refusals with reasons, schema compatibility."""

import copy
import uuid
from datetime import UTC, datetime

import pytest
from continuum_contracts import CATALOGUE, Envelope, InvalidEvent, from_kafka, to_kafka
from continuum_contracts.events import EpisodeClosedV1, EpisodeTriagedV1
from continuum_contracts.schemas import current_schemas, incompatibilities, read_snapshots


def _triaged() -> Envelope:
    payload = EpisodeTriagedV1(
        contact_id=uuid.uuid4(),
        channel="911_transfer",
        stage="acute",
        acuity="urgent",
        needs=["mental_health"],
        recommended_response="mobile_team",
        police_required=False,
        reasons=["no_safety_flags"],
        call_type="WELFARE_CHECK",
    )
    return Envelope.new(
        payload,
        episode_id=uuid.uuid4(),
        source="/continuum/intake",
        trace={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    )


def test_envelope_travels_in_binary_mode_keyed_by_episode():
    envelope = _triaged()
    record = to_kafka(envelope)
    headers = dict(record.headers)
    assert record.key == envelope.subject.encode()
    assert headers["ce_type"] == b"continuum.episode.triaged.v1"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_subject"] == envelope.subject.encode()
    assert headers["content-type"] == b"application/json"
    assert headers["traceparent"].startswith(b"00-0af76519")
    back = from_kafka(record.key, record.value, record.headers)
    assert back.id == envelope.id and back.data == envelope.data and back.trace == envelope.trace


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda r: (r.key, b"{not json", r.headers), "not valid JSON"),
        (lambda r: (r.key, r.value, [h for h in r.headers if h[0] != "ce_type"]), "missing header(s) ce_type"),
        (
            lambda r: (r.key, r.value, [(k, b"continuum.nope.v1" if k == "ce_type" else v) for k, v in r.headers]),
            "unknown event type 'continuum.nope.v1'",
        ),
        (lambda r: (r.key, b'{"acuity": "urgent"}', r.headers), "contact_id: Field required"),
        (lambda r: (b"another-key", r.value, r.headers), "key does not match"),
    ],
)
def test_invalid_records_are_refused_with_a_reason(mutate, reason):
    with pytest.raises(InvalidEvent) as refused:
        from_kafka(*mutate(to_kafka(_triaged())))
    assert reason in refused.value.reason


def test_every_event_type_has_a_committed_schema_snapshot():
    assert set(read_snapshots()) == set(CATALOGUE)


def test_current_models_are_compatible_with_their_snapshots():
    snapshots = read_snapshots()
    problems = {t: incompatibilities(snapshots[t], s) for t, s in current_schemas().items() if t in snapshots}
    assert {t: p for t, p in problems.items() if p} == {}


def test_compat_check_catches_breaking_changes():
    old = current_schemas()["continuum.episode.triaged.v1"]
    removed = copy.deepcopy(old)
    del removed["properties"]["acuity"]
    required = copy.deepcopy(old)
    required["properties"]["new_field"] = {"type": "string"}
    required["required"].append("new_field")
    retyped = copy.deepcopy(old)
    retyped["properties"]["police_required"] = {"type": "string"}
    narrowed = copy.deepcopy(old)
    narrowed["$defs"]["Acuity"]["enum"].remove("emergent")
    optional = copy.deepcopy(old)
    optional["properties"]["new_optional"] = {"type": "string", "default": "x"}
    assert any("acuity: field removed" in p for p in incompatibilities(old, removed))
    assert any("new_field: new required field" in p for p in incompatibilities(old, required))
    assert any("police_required" in p for p in incompatibilities(old, retyped))
    assert any("enum lost value(s) ['emergent']" in p for p in incompatibilities(old, narrowed))
    assert incompatibilities(old, optional) == []


def test_payloads_have_no_free_text_fields_for_phi():
    text_fields = []
    for event_type, schema in current_schemas().items():
        for name, prop in schema["properties"].items():
            for candidate in (prop, prop.get("items", {}), *prop.get("anyOf", [])):
                if candidate.get("type") == "string" and not {"maxLength", "format", "pattern"} & set(candidate):
                    text_fields.append(f"{event_type}.{name}")
    assert text_fields == []


def test_closed_event_round_trips_its_reason():
    envelope = Envelope.new(
        EpisodeClosedV1(reason="plan_complete"),
        episode_id=uuid.uuid4(),
        source="/continuum/followup",
        time=datetime(2026, 1, 1, tzinfo=UTC),
    )
    record = to_kafka(envelope)
    assert from_kafka(record.key, record.value, record.headers).data.reason == "plan_complete"
