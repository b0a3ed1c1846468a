"""Test helpers for the board: the app with its lifespan on a real broker, events published as the services would,
and a signed-in operator."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EventPayload
from fastapi import FastAPI

ADMIN_TOKEN = "board-admin-token-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def trace_for(trace_id: str) -> dict[str, str]:
    return {"traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"}


class Topic:
    """Publishes events on a topic of the test's own, keyed by episode, as the services' relays do."""

    def __init__(self, bootstrap: str, name: str) -> None:
        self.bootstrap, self.name = bootstrap, name
        self.producer: AIOKafkaProducer | None = None

    async def __aenter__(self) -> "Topic":
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await self.producer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.producer is not None
        await self.producer.stop()

    def event(
        self,
        episode_id: uuid.UUID,
        payload: EventPayload,
        *,
        source: str,
        at: datetime,
        trace_id: str | None = None,
    ) -> Envelope:
        return Envelope.new(
            payload, episode_id=episode_id, source=source, time=at, trace=trace_for(trace_id) if trace_id else None
        )

    async def publish(self, *envelopes: Envelope) -> None:
        assert self.producer is not None
        for envelope in envelopes:
            record = to_kafka(envelope)
            await self.producer.send_and_wait(self.name, record.value, key=record.key, headers=record.headers)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The board app with its whole lifespan (migrations, topics, the Kafka consumer), and an HTTPS client on it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://board.test") as client:
            yield client


async def sign_in(client: httpx.AsyncClient, username: str = "supervisor-1") -> httpx.Response:
    created = await client.post("/v1/admin/operators", json={"username": username, "password": PASSWORD}, headers=ADMIN)
    assert created.status_code == 201, created.text
    response = await client.post("/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response
