"""The "needs a human" queue, fed by real escalating events on a real broker: its order and waits, items the services
finish themselves, and a supervisor acknowledging and resolving items over HTTP (events in the board's outbox and on
the topic, audit rows, refusals that change nothing, harmless repeats)."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from continuum_board.store import AuditRow
from continuum_board.testing import DISPATCH, at, running, sign_in
from continuum_board.testing_queue import escalations
from continuum_contracts import events as ev
from continuum_contracts import from_kafka
from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import Disposition
from continuum_kit.testing import outbox, read_topic
from continuum_sim.partners import eventually
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from sqlmodel import Session, col, select

pytestmark = [pytest.mark.kafka]
SUPERVISOR_TYPES = ("continuum.escalation.acknowledged.v1", "continuum.escalation.resolved.v1")


async def caught_up(client, count):
    async def seen():
        return (await client.get("/v1/board")).json()["version"] >= count

    assert await eventually(seen, timeout=60), "the board never caught up with the topic"


def audit(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(AuditRow).order_by(col(AuditRow.seq))).all()
        return [(r.operator, r.action, r.escalation_id, r.outcome, r.resolution, r.event_id is not None) for r in rows]


def supervisor_events(engine) -> list:
    return [e for e in outbox(engine) if e.type in SUPERVISOR_TYPES]


async def test_queue_orders_by_urgency_then_acuity_then_newest_and_a_supervisor_acts_on_it(board, clock, database_url):
    app, topic = board(database_url)
    engine = app.state.runtime.engine
    async with topic:
        every, raised, ep = escalations(topic)
        await topic.publish(*every)
        clock.advance(timedelta(minutes=40))
        safety, referral = raised["safety"].id, raised["referral"].id
        async with running(app) as client:
            refused = [
                (await client.get("/v1/queue")).status_code,
                (await client.post(f"/v1/queue/{safety}/acknowledgement")).status_code,
                (await client.post(f"/v1/queue/{safety}/resolution", json={})).status_code,
            ]
            await sign_in(client)
            await caught_up(client, len(every))
            queue = (await client.get("/v1/queue")).json()
            on_board = (await client.get("/v1/board")).json()
            fixed = (await client.get(f"/v1/queue/{raised['fixed'].id}")).json()
            placed = (await client.get(f"/v1/queue/{raised['placed'].id}")).json()
            first = await client.post(f"/v1/queue/{safety}/acknowledgement")
            again = await client.post(f"/v1/queue/{safety}/acknowledgement")
            gone = [str(uuid.uuid4()), str(uuid.uuid4())]
            unknown = [
                (await client.post(f"/v1/queue/{gone[0]}/resolution", json={})).status_code,
                (await client.post(f"/v1/queue/{gone[1]}/acknowledgement")).status_code,
            ]
            late_ack = await client.post(f"/v1/queue/{raised['fixed'].id}/acknowledgement")
            bad = [
                await client.post(f"/v1/queue/{referral}/resolution", json={"resolution": "handled"}),
                await client.post(f"/v1/queue/{referral}/resolution", json={"resolution": "reassigned"}),
                await client.post(f"/v1/queue/{safety}/resolution", json={"resolution": "handled", "to_party": "x"}),
            ]
            reassign = {"resolution": "reassigned", "to_party": "housing-ce-2"}
            resolved = await client.post(f"/v1/queue/{referral}/resolution", json=reassign)
            repeated = await client.post(f"/v1/queue/{referral}/resolution", json=reassign)
            other = await client.post(f"/v1/queue/{referral}/resolution", json={"resolution": "closed"})
            ack_resolved = await client.post(f"/v1/queue/{referral}/acknowledgement")
            sent = supervisor_events(engine)
            # The service finishes an obligation: the item leaves the queue by itself.
            over = ev.ResponseResolvedV1(
                response_id=uuid.uuid4(), responder_id="team-7", disposition=Disposition.REFERRED
            )
            await topic.publish(topic.event(ep["drop"], over, source=DISPATCH, at=at(41)))

            async def drop_finished():
                item = (await client.get(f"/v1/queue/{raised['drop'].id}")).json()
                return item["state"] == "resolved" and item

            dropped = await eventually(drop_finished, timeout=30)
            after = (await client.get("/v1/queue")).json()

    assert refused == [401, 401, 401]
    order = ["safety", "drop", "no_team_emergent", "no_team_new", "no_team_old", "no_place", "target", "handoff"]
    order += ["stalled", "checkins", "referral"]
    assert [i["escalation_id"] for i in queue["items"]] == [raised[name].id for name in order]
    kinds = [i["kind"] for i in queue["items"]]
    assert kinds == [
        "safety_backup_requested", "team_dropped_out", "no_team", "no_team", "no_team", "no_place", "target_missed",
        "handoff_not_accepted", "handoff_stalled", "checkins_exhausted", "referral_unanswered",
    ]  # fmt: skip
    no_place = next(i for i in queue["items"] if i["kind"] == "no_place")
    assert (no_place["reason"], no_place["party"]) == ("no_place_with_room", None)
    top = queue["items"][0]
    assert (top["episode_id"], top["reason"], top["party"], top["acuity"]) == (
        str(ep["safety"]),
        "weapon",
        "team-1",
        "emergent",
    )
    assert top["waited_seconds"] == 30 * 60 and top["state"] == "open" and top["acknowledged_by"] is None
    assert {i["escalation_id"]: i["waited_seconds"] for i in queue["items"]}[raised["checkins"].id] == 5 * 60
    assert on_board["queue"] == queue["items"], "the board's JSON and live stream carry the same queue"
    assert {t["responder_id"]: t["status"] for t in on_board["teams"]}["team-2"] == "offline"
    [open_referral] = on_board["referrals"]
    assert (open_referral["state"], open_referral["reminders"], open_referral["to_party"]) == (
        "escalated",
        3,
        "housing-ce",
    )
    assert (fixed["state"], fixed["resolved_by"], fixed["resolution"]) == ("resolved", "dispatch", "response.assigned")
    assert (placed["state"], placed["party"], placed["resolution"]) == ("resolved", "respite-3", "placement.reserved")

    assert first.status_code == 200 and again.status_code == 200, (first.text, again.text)
    assert (first.json()["state"], first.json()["acknowledged_by"]) == ("acknowledged", "supervisor-1")
    assert again.json() == first.json(), "a repeat gives the same answer"
    assert unknown == [404, 404]
    assert late_ack.status_code == 409 and late_ack.json()["detail"]["current"]["resolved_by"] == "dispatch"
    assert [b.status_code for b in bad] == [422, 422, 422]
    assert [b.json()["detail"][0]["loc"] for b in bad] == [
        ["body", "resolution"],
        ["body", "to_party"],
        ["body", "to_party"],
    ]
    assert resolved.status_code == 200 and repeated.json() == resolved.json()
    assert (resolved.json()["state"], resolved.json()["resolved_by"], resolved.json()["to_party"]) == (
        "resolved", "supervisor-1", "housing-ce-2",
    )  # fmt: skip
    assert other.status_code == 409 and other.json()["detail"]["current"]["resolution"] == "reassigned"
    assert ack_resolved.status_code == 409 and ack_resolved.json()["detail"]["current"]["state"] == "resolved"

    assert [(e.type, e.subject, e.source) for e in sent] == [
        ("continuum.escalation.acknowledged.v1", str(ep["safety"]), "/continuum/board"),
        ("continuum.escalation.resolved.v1", str(ep["referral"]), "/continuum/board"),
    ], "one event per act, keyed by the episode; none for a repeat or a refusal"
    assert sent[0].data == ev.EscalationAcknowledgedV1(
        escalation_id=safety, kind="safety_backup_requested", by="supervisor-1"
    )
    assert sent[1].data == ev.EscalationResolvedV1(
        escalation_id=referral,
        kind="referral_unanswered",
        by="supervisor-1",
        resolution="reassigned",
        to_party="housing-ce-2",
    )
    assert audit(engine) == [
        ("supervisor-1", "acknowledge", safety, "acknowledged", None, True),
        ("supervisor-1", "acknowledge", safety, "repeat", None, False),
        ("supervisor-1", "resolve", gone[0], "not_found", None, False),
        ("supervisor-1", "acknowledge", gone[1], "not_found", None, False),
        ("supervisor-1", "acknowledge", raised["fixed"].id, "refused_resolved", None, False),
        ("supervisor-1", "resolve", referral, "resolved", "reassigned", True),
        ("supervisor-1", "resolve", referral, "repeat", "reassigned", False),
        ("supervisor-1", "resolve", referral, "refused_resolved", "closed", False),
        ("supervisor-1", "acknowledge", referral, "refused_resolved", None, False),
    ]
    assert (dropped["resolved_by"], dropped["resolution"]) == ("dispatch", "response.resolved")
    assert raised["drop"].id not in {i["escalation_id"] for i in after["items"]}
    assert referral not in {i["escalation_id"] for i in after["items"]}


async def test_an_acknowledgement_reaches_the_topic_and_a_rebuilt_board_shows_it(
    board, clock, tmp_path, kafka_bootstrap
):
    app, topic = board(f"sqlite:///{tmp_path / 'first.db'}")
    async with topic:
        every, raised, ep = escalations(topic)
        await topic.publish(*every)
        clock.advance(timedelta(minutes=40))
        item = raised["checkins"].id
        async with running(app) as client:
            await sign_in(client)
            await caught_up(client, len(every))
            acknowledged = await client.post(f"/v1/queue/{item}/acknowledgement")
            assert acknowledged.status_code == 200, acknowledged.text
            records = await read_topic(kafka_bootstrap, topic.name, expected=len(every) + 1)

            async def echoed():
                timeline = (await client.get(f"/v1/episodes/{ep['checkins']}/timeline")).json()["events"]
                return "continuum.escalation.acknowledged.v1" in [e["type"] for e in timeline]

            read_back = await eventually(echoed, timeout=30)
            still = (await client.get(f"/v1/queue/{item}")).json()

        rebuilt, _ = board(
            f"sqlite:///{tmp_path / 'rebuilt.db'}",
            metric_readers=[InMemoryMetricReader()],
            group_prefix=f"{topic.name}-rebuilt",
        )
        async with running(rebuilt) as client:
            await sign_in(client)
            await caught_up(client, len(every) + 1)
            again = (await client.get(f"/v1/queue/{item}")).json()

    [record] = [r for r in records if dict(r.headers).get("ce_type") == b"continuum.escalation.acknowledged.v1"]
    envelope = from_kafka(record.key, record.value, list(record.headers))
    assert record.key == str(ep["checkins"]).encode(), "keyed by the episode"
    assert (envelope.source, envelope.data.escalation_id, envelope.data.by) == (
        "/continuum/board",
        item,
        "supervisor-1",
    )
    assert all(re.fullmatch(CODE_PATTERN, value) for value in json.loads(record.value).values()), "codes only"
    assert read_back, "the board read its own event back"
    assert still == acknowledged.json() | {"waited_seconds": still["waited_seconds"]}, "and applied it once"
    assert (again["state"], again["acknowledged_by"]) == ("acknowledged", "supervisor-1"), "rebuilt from the topic"
