"""Intake on the real broker, in-process: contacts become events; garbage is dead-lettered, the stream goes on."""

import asyncio

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1
from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings
from continuum_kit.testing import read_topic

pytestmark = pytest.mark.kafka
ADMIN_TOKEN = "kafka-test-admin-token-0123"
PARTNER = ("county-911", "county-911-secret-at-least-24-chars")


def _settings(kafka_bootstrap: str, topic: str, data_dir) -> IntakeSettings:
    return IntakeSettings(
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        data_dir=data_dir,
        group_prefix=topic,
        admin_token=ADMIN_TOKEN,
    )


async def _register_partner(client: httpx.AsyncClient) -> None:
    registered = await client.post(
        "/v1/admin/partners",
        json={"partner_id": PARTNER[0], "secret": PARTNER[1], "channels": ["911_transfer"]},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert registered.status_code == 201


async def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.2)
    return False


async def test_garbage_is_dead_lettered_and_valid_events_still_apply(kafka_bootstrap, topic, tmp_path):
    app = create_app(_settings(kafka_bootstrap, topic, tmp_path))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            health = await client.get("/health")
            assert health.status_code == 200 and health.json()["broker"]["reachable"] is True
            await _register_partner(client)
            posted = await client.post(
                "/v1/contacts",
                json={"channel": "911_transfer", "caller": {"name": "Avery Example"}},
                auth=PARTNER,
            )
            assert posted.status_code == 201
            episode_id = posted.json()["episode_id"]
            published = await read_topic(kafka_bootstrap, topic, expected=3)
            assert [dict(r.headers)["ce_type"] for r in published] == [
                b"continuum.contact.received.v1",
                b"continuum.episode.opened.v1",
                b"continuum.episode.triaged.v1",
            ]
            assert all(b"Avery" not in r.value for r in published)

            closed = to_kafka(
                Envelope.new(
                    EpisodeClosedV1(reason="plan_complete"), episode_id=episode_id, source="/continuum/followup"
                )
            )
            unknown = [(k, b"continuum.unheard-of.v1" if k == "ce_type" else v) for k, v in closed.headers]
            producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
            await producer.start()
            try:
                await producer.send_and_wait(topic, key=closed.key, value=b"{{{ not json", headers=closed.headers)
                await producer.send_and_wait(topic, key=closed.key, value=closed.value, headers=unknown)
                await producer.send_and_wait(topic, key=closed.key, value=closed.value, headers=closed.headers)
            finally:
                await producer.stop()

            async def episode_closed() -> bool:
                return (await client.get(f"/v1/episodes/{episode_id}", auth=PARTNER)).json()["status"] == "closed"

            assert await _wait_for(episode_closed), "the valid event after the garbage was not applied"

    dead = await read_topic(kafka_bootstrap, f"{topic}.dlq", expected=2)
    reasons = sorted(dict(r.headers)["dlq_reason"].decode() for r in dead)
    assert len(dead) == 2
    assert reasons[0].startswith("payload is not valid JSON")
    assert reasons[1] == "unknown event type 'continuum.unheard-of.v1'"
    assert {r.value for r in dead} == {b"{{{ not json", closed.value}
    assert all(dict(r.headers)["dlq_consumer"] == f"{topic}-intake".encode() for r in dead)


async def test_contact_missing_a_required_field_gets_422_naming_it(kafka_bootstrap, topic, tmp_path):
    app = create_app(_settings(kafka_bootstrap, topic, tmp_path))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            await _register_partner(client)
            response = await client.post("/v1/contacts", json={}, auth=PARTNER)
            assert response.status_code == 422
            assert [e["loc"] for e in response.json()["detail"]] == [["body", "channel"]]
            bad_channel = await client.post("/v1/contacts", json={"channel": "carrier-pigeon"}, auth=PARTNER)
            assert bad_channel.status_code == 422 and bad_channel.json()["detail"][0]["loc"] == ["body", "channel"]
    assert await read_topic(kafka_bootstrap, topic, expected=1, timeout=3) == []
