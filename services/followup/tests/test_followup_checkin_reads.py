"""A plan's check-ins are read once per transaction, and what a rolled-back savepoint added is never counted."""

from contextlib import contextmanager
from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition
from continuum_followup import api
from continuum_followup.config import FollowupSettings
from continuum_followup.handlers import build_handlers
from continuum_followup.plans import checkins_of, new_plan, schedule_person
from continuum_kit.testing import api_client, outbox, register_partner, unit_of_work
from sqlalchemy import event

SETTINGS = FollowupSettings()
READS_A_PLAN = "FROM followup_checkin WHERE followup_checkin.plan_id ="


@pytest.fixture
def client(engine, clock):
    client = api_client(api.router, engine, clock, SETTINGS)
    client.auth = register_partner(engine, SETTINGS.peer_pool_id)
    return client


@contextmanager
def statements(engine):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def resolved(engine, clock, episode_id) -> None:
    payload = ResponseResolvedV1(response_id=uuid4(), responder_id="m3", disposition=Disposition.RESOLVED_IN_PLACE)
    envelope = Envelope.new(payload, episode_id=episode_id, source="/continuum/dispatch", time=clock.now())
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        build_handlers(SETTINGS)[ResponseResolvedV1](uow, envelope)
        uow.commit()


def test_planning_and_each_attempt_read_the_plans_checkins_at_most_once(engine, clock, client):
    episode_id = uuid4()
    with statements(engine) as planning:
        resolved(engine, clock, episode_id)
    assert not [s for s in planning if READS_A_PLAN in s]  # a new plan has none to read
    assert len([s for s in planning if s.startswith("INSERT INTO followup_checkin")]) == 1  # both, one statement
    first, second = (c["followup_id"] for c in client.get(f"/v1/episodes/{episode_id}/followups").json()["checkins"])
    for followup_id, closes in ((first, False), (second, True)):
        clock.advance(timedelta(hours=48))
        with statements(engine) as attempt:
            answer = client.post(f"/v1/followups/{followup_id}/attempts", json={"reached": True})
        assert answer.status_code == 201
        assert answer.json()["plan_status"] == ("closed" if closes else "open")
        assert len([s for s in attempt if READS_A_PLAN in s]) == 1
    closed = [e for e in outbox(engine) if e.type == "continuum.episode.closed.v1"]
    assert [e.data.reason for e in closed] == ["plan_complete"]


def test_checkins_added_in_a_rolled_back_savepoint_are_not_counted_afterwards(engine, clock):
    episode_id = uuid4()
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        plan = new_plan(uow, episode_id)
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            schedule_person(uow, plan, SETTINGS)
            assert len(checkins_of(uow.session, plan.plan_id)) == 2
            raise RuntimeError("the handler failed: its savepoint rolls back")
        assert checkins_of(uow.session, plan.plan_id) == []
        schedule_person(uow, plan, SETTINGS)
        assert [c.sequence for c in checkins_of(uow.session, plan.plan_id)] == [1, 2]
        uow.commit()
    with unit_of_work(engine, clock, source="/continuum/followup") as uow:
        assert [c.sequence for c in checkins_of(uow.session, plan.plan_id)] == [1, 2]
