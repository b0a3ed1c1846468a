"""Test helpers for the board: the app with its lifespan on a real broker, events published as the services would,
and a signed-in operator."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
from aiokafka import AIOKafkaProducer
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import ContactReceivedV1, EpisodeOpenedV1, EpisodeTriagedV1, EventPayload
from continuum_contracts.vocabulary import Acuity, Channel, ResponseType, Stage
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


# The services' CloudEvents sources.
INTAKE, DISPATCH, HANDOFF, FOLLOWUP = (
    "/continuum/intake",
    "/continuum/dispatch",
    "/continuum/handoff",
    "/continuum/followup",
)


def at(minutes: float) -> datetime:
    """T0 and so many minutes."""
    return T0 + timedelta(minutes=minutes)


def contact(topic: Topic, episode: uuid.UUID, channel: Channel, minute: float, trace: str | None) -> list[Envelope]:
    """An episode's start as intake publishes it: the contact received, then the episode opened half a minute on."""
    return [
        topic.event(
            episode,
            ContactReceivedV1(
                contact_id=uuid.uuid4(),
                person_id=uuid.uuid4(),
                channel=channel,
                partner_id="p1",
                received_at=at(minute),
            ),
            source=INTAKE,
            at=at(minute),
            trace_id=trace,
        ),
        topic.event(
            episode,
            EpisodeOpenedV1(person_id=uuid.uuid4(), stage=Stage.ACUTE, contact_id=uuid.uuid4()),
            source=INTAKE,
            at=at(minute + 0.5),
            trace_id=trace,
        ),
    ]


def triage_decision(**fields) -> EpisodeTriagedV1:
    """Intake's triage of a 911 transfer to a mobile team, with ``fields`` replacing its defaults."""
    defaults = dict(
        contact_id=uuid.uuid4(),
        channel=Channel.TRANSFER_911,
        stage=Stage.ACUTE,
        acuity=Acuity.URGENT,
        recommended_response=ResponseType.MOBILE_TEAM,
        police_required=False,
        program="county-crisis",
        area="central",
    )
    return EpisodeTriagedV1(**{**defaults, **fields})


def triaged(topic: Topic, episode: uuid.UUID, minute: float, trace: str | None, **fields) -> Envelope:
    """That triage as intake publishes it, ``minute`` minutes after T0."""
    return topic.event(episode, triage_decision(**fields), source=INTAKE, at=at(minute), trace_id=trace)


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
