"""The same person twice at once, end to end: 988 and the peer warmline each post the same new person's first
contact at the same moment, and the county sees one person with one episode holding both contacts.

The four services run as processes on the real broker; intake keeps its vault on PostgreSQL, where two
requests really run side by side (SQLite's writers take turns).
"""

import asyncio
import random

import httpx
import pytest
from continuum_sim.partners import Partners, eventually
from continuum_sim.stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
PEOPLE = 3
RECEIVED, OPENED = "continuum.contact.received.v1", "continuum.episode.opened.v1"
TRIAGED = "continuum.episode.triaged.v1"


@pytest.fixture
def county(kafka_bootstrap, topic, tmp_path, new_postgres_database):
    stack = Stack(
        kafka_bootstrap,
        tmp_path / "county",
        topic=topic,
        group_prefix=topic,
        database_urls={"intake": new_postgres_database()},
        extra_env={"CONTINUUM_TIMER_SWEEP_SECONDS": "0.5"},
    )
    stack.start()
    yield stack
    stack.stop()


def _person(i: int) -> dict:
    return {
        "name": f"Sasha Madeup-{i}",
        "phone": f"555-02{i:02d}-{random.randrange(10000):04d}",
        "date_of_birth": "1987-11-0" + str(i + 1),
    }


async def _first_contacts(sim: Partners, client: httpx.AsyncClient, caller: dict) -> list[httpx.Response]:
    """The crisis line and the warmline, each with its own partner account, post at the same moment."""
    url = sim.urls["intake"]
    return await asyncio.gather(
        client.post(
            f"{url}/v1/contacts/crisis-line",
            json={"medium": "call", "caller": caller},
            auth=sim.credentials_at_intake("988-center"),
        ),
        client.post(
            f"{url}/v1/contacts/warmline",
            json={"medium": "text", "caller": caller},
            auth=sim.credentials_at_intake("peer-warmline"),
        ),
    )


async def test_two_partners_first_contacts_of_one_person_at_once_make_one_episode_on_the_topic(county):
    callers = [_person(i) for i in range(PEOPLE)]
    async with (
        Partners(
            county.kafka_bootstrap, county.topic, county.urls, admin_token=county.admin_token, answers=frozenset()
        ) as sim,
        httpx.AsyncClient(timeout=10.0) as client,
    ):
        answers = await asyncio.gather(*(_first_contacts(sim, client, caller) for caller in callers))
        for pair in answers:
            assert [a.status_code for a in pair] == [201, 201], [a.text for a in pair]
            assert len({a.json()["episode_id"] for a in pair}) == 1 and len({a.json()["person_id"] for a in pair}) == 1
        contacts = {a.json()["contact_id"]: a.json()["episode_id"] for pair in answers for a in pair}

        def of_our_contacts() -> list:
            seen = [s for events in sim.events.values() for s in events]
            return [s for s in seen if s.data.get("contact_id") in contacts]

        # Both triaged events of every contact are on the topic: intake published all it decided for them.
        assert await eventually(lambda: [s.type for s in of_our_contacts()].count(TRIAGED) == len(contacts))
        county_it = {"Authorization": f"Bearer {county.admin_token}"}  # a partner sees only its own contacts
        views = {
            e: (await client.get(f"{sim.urls['intake']}/v1/episodes/{e}", headers=county_it)).json()
            for e in contacts.values()
        }
        on_kafka = " ".join(str(s.data) for events in sim.events.values() for s in events)

    for pair in answers:
        episode_id = pair[0].json()["episode_id"]
        events = [s for s in sim.events[episode_id] if s.data.get("contact_id") in contacts]
        assert sorted(s.type for s in events) == sorted([RECEIVED, RECEIVED, OPENED, TRIAGED, TRIAGED])
        assert sorted(s.data["returning"] for s in events if s.type == TRIAGED) == [False, True]
        assert views[episode_id]["contacts"] == 2 and views[episode_id]["status"] == "open"
        assert {c["partner_id"] for c in views[episode_id]["contact_history"]} == {"988-center", "peer-warmline"}
    assert [s.type for s in of_our_contacts()].count(OPENED) == PEOPLE
    for caller in callers:
        for phi in caller.values():
            assert phi not in on_kafka
