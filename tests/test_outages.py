"""Brief outages of the real broker and the real database: work waits and retries; nothing is lost or dead-lettered."""

import asyncio
import os
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from continuum_contracts import Envelope, from_kafka, to_kafka
from continuum_contracts.events import EpisodeTriagedV1
from continuum_dispatch.app import create_app as create_dispatch
from continuum_dispatch.config import DispatchSettings
from continuum_intake.app import create_app as create_intake
from continuum_intake.config import IntakeSettings
from continuum_kit.delivery import OutboxMessage
from continuum_kit.testing import read_topic
from sqlmodel import Session, select

pytestmark = pytest.mark.kafka
ADMIN_TOKEN = "outage-test-admin-token-0123456789"
SECRET = "outage-test-partner-secret-0123456789"
ROOT = Path(__file__).resolve().parents[1]


def deploy(script: str, command: str, **env: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy" / script), command], check=True, capture_output=True, env={**os.environ, **env}
    )


async def events_of(bootstrap: str, topic: str, expected: int, timeout: float = 60.0) -> list[Envelope]:
    records = await read_topic(bootstrap, topic, expected=expected, timeout=timeout)
    return [from_kafka(r.key, r.value, list(r.headers)) for r in records]


def unpublished(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxMessage).where(OutboxMessage.published_at == None)).all())  # noqa: E711


@pytest.fixture
def own_kafka(kafka_bootstrap):
    if os.environ.get("CONTINUUM_TEST_KAFKA"):
        pytest.skip("stops and starts the broker: only with the broker this run started itself")
    yield kafka_bootstrap
    deploy("kafka.sh", "start", KAFKA_KEEP_DATA="1")  # whatever happened, leave the broker up


async def test_contacts_taken_while_the_broker_is_down_are_published_when_it_returns(own_kafka, topic, tmp_path):
    settings = IntakeSettings(
        kafka_bootstrap=own_kafka,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        data_dir=tmp_path,
        group_prefix=topic,
        admin_token=ADMIN_TOKEN,
    )
    app = create_intake(settings)
    contact = {"channel": "crisis_line_call"}
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://intake", auth=("988-center", SECRET)
        ) as client:
            registered = await client.post(
                "/v1/admin/partners",
                json={
                    "partner_id": "988-center",
                    "secret": SECRET,
                    "channels": ["crisis_line_call"],
                    "event_types": [],
                },
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                auth=None,
            )
            assert registered.status_code == 201
            before = (await client.post("/v1/contacts", json=contact)).json()["episode_id"]
            assert len(await events_of(own_kafka, topic, expected=3)) == 3
            await asyncio.to_thread(deploy, "kafka.sh", "stop")
            health = await client.get("/health")
            during = await client.post("/v1/contacts", json=contact)
            await asyncio.sleep(1)
            held = await asyncio.to_thread(unpublished, app.state.runtime.engine)
            await asyncio.to_thread(deploy, "kafka.sh", "start", KAFKA_KEEP_DATA="1")
            published = await events_of(own_kafka, topic, expected=6, timeout=90)

    assert health.status_code == 503 and health.json()["broker"]["reachable"] is False
    assert during.status_code == 201, "a partner's contact must be taken even while the broker is down"
    assert [e.subject for e in published].count(during.json()["episode_id"]) == 3
    assert [e.subject for e in published].count(before) == 3
    assert await events_of(own_kafka, f"{topic}.dlq", expected=1, timeout=2) == []
    assert held == 3, "the contact's events were not waiting in the outbox during the outage"


async def test_events_arriving_while_the_database_is_down_apply_when_it_returns(
    kafka_bootstrap, postgres_url, topic, caplog
):
    if os.environ.get("CONTINUUM_TEST_POSTGRES"):
        pytest.skip("stops and starts PostgreSQL: only with the server this run started itself")
    settings = DispatchSettings(
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        database_url=postgres_url,
        dead_letter_topic=f"{topic}.dlq",
        group_prefix=topic,
        retry_max_seconds=1.0,
    )
    caplog.set_level("WARNING")
    app = create_dispatch(settings)
    episode_id = uuid.uuid4()
    triaged = EpisodeTriagedV1(
        contact_id=uuid.uuid4(),
        channel="911_transfer",
        stage="acute",
        acuity="urgent",
        recommended_response="mobile_team",
        police_required=False,
        reasons=["no_safety_flags"],
        call_type="WELFARE_CHECK",
    )
    record = to_kafka(Envelope.new(triaged, episode_id=episode_id, source="/continuum/intake"))
    async with app.router.lifespan_context(app):
        await asyncio.to_thread(deploy, "postgres.sh", "stop")
        try:
            producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
            await producer.start()
            try:
                await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
            finally:
                await producer.stop()
            await asyncio.sleep(3)  # the consumer meets a dead database and retries
        finally:
            await asyncio.to_thread(deploy, "postgres.sh", "start")
        published = await events_of(kafka_bootstrap, topic, expected=3)

    assert [e.type for e in published if e.subject == str(episode_id)] == [
        "continuum.episode.triaged.v1",
        "continuum.response.assigned.v1",
        "continuum.lawenforcement.deflected.v1",
    ]
    assert await events_of(kafka_bootstrap, f"{topic}.dlq", expected=1, timeout=2) == []
    assert any("transient failure" in r.getMessage() for r in caplog.records), "the outage was never met"
