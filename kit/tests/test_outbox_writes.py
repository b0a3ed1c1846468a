"""A unit of work writes its outbox rows in one statement, each row's seq in the order its event was decided, and
hands the relay exactly the rows it committed with the seqs the database gave them (SQLite and PostgreSQL)."""

import uuid

from continuum_contracts.events import FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, UnitOfWork
from continuum_kit.testing import create_delivery_schema
from sqlalchemy import event
from sqlmodel import Session, col, select


def test_one_insert_for_the_outbox_rows_in_the_order_decided_and_the_relay_handed_their_seqs(database_url):
    engine = make_engine(database_url)
    create_delivery_schema(engine)
    inserts: list[str] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cu, sql, *_: inserts.append(sql) if sql.lstrip().upper().startswith("INSERT INTO OUTBOX") else None,
    )
    handed: list[OutboxMessage] = []
    episode = uuid.uuid4()
    with UnitOfWork(
        engine, source="/continuum/kit-test", topic="t", clock=ManualClock(), on_commit=handed.extend
    ) as uow:
        decided = [
            uow.emit(
                FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=n, reached=True, attempts=1), episode_id=episode
            ).id
            for n in range(1, 8)
        ]
        uow.commit()
    with Session(engine) as session:
        stored = [
            (row.seq, row.event_id) for row in session.exec(select(OutboxMessage).order_by(col(OutboxMessage.seq)))
        ]
    engine.dispose()
    assert len(inserts) == 1
    assert [event_id for _, event_id in stored] == decided
    assert [(row.seq, row.event_id) for row in handed] == stored
