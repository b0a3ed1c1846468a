"""One bad record never stops anything: bad records among a county's episodes, end to end.

The four services run as processes on the real broker. Records no service can apply are produced
straight onto the episode topic between partners' valid contacts: one near the broker's size limit,
one of a type no catalogue knows, and one of a catalogued type no service consumes that is not even
JSON. Every valid episode still closes, and every bad record is on the dead-letter topic with its
reason, once per consumer group that met it.

No record that makes a handler raise is produced here: every consumer handler tolerates each payload
that validates (an unknown episode, a closed one, a repeat are all no-ops by design), so a handler
failure is proved in kit/tests/test_consumer.py with a handler that raises.
"""

import random
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeTriagedV1
from continuum_kit.dead_letters import PRODUCER_MAX_REQUEST_SIZE
from continuum_kit.testing import read_topic
from continuum_sim.partners import Partners
from continuum_sim.scenarios import Scenario, homeless_911_call, warmline_call
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
GROUPS = ("intake", "dispatch", "handoff", "followup")


@pytest.fixture(scope="module")
def county(kafka_bootstrap, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("county")
    with Stack.of_its_own(kafka_bootstrap, workdir, "bad-records", timer_sweep_seconds="0.5") as stack:
        yield stack


def _headers(event_type: str, episode_id: str) -> list[tuple[str, bytes]]:
    return [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(uuid.uuid4()).encode()),
        ("ce_source", b"/careless-partner"),
        ("ce_type", event_type.encode()),
        ("ce_subject", episode_id.encode()),
        ("ce_time", b"2026-01-01T00:00:00Z"),
        ("content-type", b"application/json"),
    ]


def bad_records() -> dict[str, tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """Each bad record by the reason its dead letter must give: (key, value, headers)."""
    oversized_id, unknown_id, unreadable_id = (str(uuid.uuid4()) for _ in range(3))
    triaged = _headers("continuum.episode.triaged.v1", oversized_id)
    room = PRODUCER_MAX_REQUEST_SIZE - DefaultRecordBatchBuilder.estimate_size_in_bytes(
        oversized_id.encode(), b"", triaged
    )
    padding = b'{"padding": "' + b"x" * (room - 32) + b'"}'
    unknown = to_kafka(
        Envelope.new(
            EpisodeTriagedV1(
                contact_id=uuid.uuid4(),
                channel="911_transfer",
                stage="acute",
                acuity="urgent",
                recommended_response="mobile_team",
                police_required=False,
            ),
            episode_id=uuid.UUID(unknown_id),
            source="/careless-partner",
        )
    )
    unknown_headers = [(k, b"continuum.nonsense.v1" if k == "ce_type" else v) for k, v in unknown.headers]
    return {
        "payload does not match continuum.episode.triaged.v1": (oversized_id.encode(), padding, triaged),
        "unknown event type 'continuum.nonsense.v1'": (unknown.key, unknown.value, unknown_headers),
        "payload is not valid JSON": (
            unreadable_id.encode(),
            b"{not json",
            _headers("continuum.contact.received.v1", unreadable_id),
        ),
    }


async def test_bad_records_are_dead_lettered_and_every_episode_around_them_still_closes(county):
    scenarios: list[Scenario] = [warmline_call(random.Random(71)), homeless_911_call(random.Random(72))]
    scenarios += [warmline_call(random.Random(73))]
    bad = bad_records()
    producer = AIOKafkaProducer(bootstrap_servers=county.services["intake"].env["CONTINUUM_KAFKA_BOOTSTRAP"])
    await producer.start()
    origins: dict[str, str] = {}
    try:
        async with Partners(
            county.services["intake"].env["CONTINUUM_KAFKA_BOOTSTRAP"],
            county.topic,
            county.urls,
            admin_token=county.admin_token,
        ) as sim:
            journeys = []
            for scenario, (reason, (key, value, headers)) in zip(scenarios, bad.items(), strict=True):
                journeys.append(await sim.post(scenario))
                sent = await producer.send_and_wait(county.topic, value, key=key, headers=headers)
                origins[reason] = f"{county.topic}/{sent.partition}/{sent.offset}"
            assert await sim.wait_closed([j.episode_id for j in journeys], timeout=60) == []
            assert sim.phi_on_topic(*scenarios) == []
    finally:
        await producer.stop()

    letters = await read_topic(
        county.services["intake"].env["CONTINUUM_KAFKA_BOOTSTRAP"],
        f"{county.topic}.dlq",
        expected=len(bad) * len(GROUPS),
        timeout=30,
    )
    by_origin: dict[str, list[dict[str, bytes]]] = {}
    for letter in letters:
        headers = dict(letter.headers)
        by_origin.setdefault(headers["dlq_origin"].decode(), []).append({**headers, "value": letter.value or b""})
    for reason, origin in origins.items():
        copies = by_origin.get(origin, [])
        groups = {c["dlq_consumer"] for c in copies}
        assert len(copies) == len(groups) == len(GROUPS), f"{reason}: dead-lettered by {sorted(groups)}"
        assert all(c["dlq_reason"].decode().startswith(reason) for c in copies), reason
    oversized = by_origin[origins["payload does not match continuum.episode.triaged.v1"]]
    assert all(c["dlq_truncated"] == b"true" and len(c["value"]) < PRODUCER_MAX_REQUEST_SIZE for c in oversized)
    assert all(b"truncated" in c["dlq_reason"] for c in oversized)
