"""Intake saturated, on the real broker and PostgreSQL: while every request slot is taken a further contact is
answered 503 with Retry-After and leaves nothing behind (no contact, no event); once the slots free up the same
contact is taken; ``/health`` answers throughout."""

import asyncio

import httpx
import pytest
from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings
from continuum_intake.store import Contact
from continuum_kit.testing import read_topic
from fastapi import FastAPI
from sqlalchemy import func
from sqlmodel import Session, select

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
ADMIN_TOKEN = "saturation-admin-token-0123"
PARTNER = ("county-911", "county-911-secret-at-least-24-chars")
SLOTS = 2
CONTACT = {"channel": "911_transfer", "caller": {"name": "Avery Example"}}


class HeldRequests:
    """A route of the test's own whose requests stay in progress until released: they hold the slots."""

    def __init__(self, app: FastAPI, count: int) -> None:
        self.count, self.entered = count, 0
        self.all_in, self.release = asyncio.Event(), asyncio.Event()
        app.add_api_route("/held", self.held, methods=["GET"])

    async def held(self) -> dict[str, bool]:
        self.entered += 1
        if self.entered == self.count:
            self.all_in.set()
        await self.release.wait()
        return {"held": True}


def _contacts(app: FastAPI) -> int:
    with Session(app.state.runtime.engine) as session:
        return session.exec(select(func.count()).select_from(Contact)).one()


async def test_a_contact_beyond_the_slots_gets_503_changes_nothing_and_is_taken_once_they_free(
    kafka_bootstrap, topic, tmp_path, new_postgres_database
):
    settings = IntakeSettings(
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        data_dir=tmp_path,
        database_url=new_postgres_database(),
        group_prefix=topic,
        admin_token=ADMIN_TOKEN,
        http_max_in_flight=SLOTS,
        http_queue_seconds=0.05,
    )
    app = create_app(settings)
    holding = HeldRequests(app, SLOTS)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client:
            registered = await client.post(
                "/v1/admin/partners",
                json={"partner_id": PARTNER[0], "secret": PARTNER[1], "channels": ["911_transfer"]},
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            assert registered.status_code == 201
            held = [asyncio.create_task(client.get("/held")) for _ in range(SLOTS)]
            entered = asyncio.create_task(holding.all_in.wait())
            await asyncio.wait([entered, *held], return_when=asyncio.FIRST_COMPLETED, timeout=60)
            assert holding.all_in.is_set(), [task.result().status_code for task in held if task.done()]

            refused = await client.post("/v1/contacts", json=CONTACT, auth=PARTNER)
            assert refused.status_code == 503
            assert int(refused.headers["Retry-After"]) >= 1
            assert refused.json() == {"detail": "the service is at capacity; try again shortly"}
            health = await client.get("/health")
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert _contacts(app) == 0

            holding.release.set()
            assert [answer.status_code for answer in await asyncio.gather(*held)] == [200] * SLOTS
            accepted = await client.post("/v1/contacts", json=CONTACT, auth=PARTNER)
            assert accepted.status_code == 201
            assert _contacts(app) == 1
    published = await read_topic(kafka_bootstrap, topic, expected=3, linger=1.0)
    assert [dict(r.headers)["ce_type"] for r in published] == [
        b"continuum.contact.received.v1",
        b"continuum.episode.opened.v1",
        b"continuum.episode.triaged.v1",
    ]
