"""Exactly-once effects over at-least-once delivery: the inbox, the outbox and the unit of work.

A handler's state change, the id of the event it processed (inbox) and the events it will
publish (outbox) commit in one database transaction; the relay publishes the outbox later.
"""

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EventPayload
from opentelemetry import propagate
from sqlalchemy import JSON, Column, Engine, Index, Insert, LargeBinary, insert
from sqlmodel import Field, Session, SQLModel

from continuum_kit.clock import Clock
from continuum_kit.db import PerDialect, UTCDateTime

# Fixed: a row keeps the shard it was written with, so changing this needs an empty outbox (every row published).
RELAY_SHARDS = 16


def shard_of(key: bytes) -> int:
    """The relay shard of a record key (the episode id): a stable hash, so one episode's rows share one shard."""
    return zlib.crc32(key) % RELAY_SHARDS


class ProcessedEvent(SQLModel, table=True):
    """Inbox: one row per event a consumer has applied; the primary key refuses a second time."""

    __tablename__ = "processed_event"
    consumer: str = Field(primary_key=True, max_length=100)
    event_id: str = Field(primary_key=True, max_length=100)
    processed_at: datetime = Field(sa_type=UTCDateTime)


def kafka_headers(stored: list) -> list[tuple[str, bytes]]:
    """A row's headers as stored (``[name, text]`` pairs, JSON) as the record carries them."""
    return [(name, value.encode()) for name, value in stored]


class OutboxMessage(SQLModel, table=True):
    """Outbox: a Kafka record written in the transaction that decided it, published by the relay."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unpublished", "published_at", "seq"),
        Index("ix_outbox_shard_pending", "shard", "published_at", "seq"),
    )
    seq: int | None = Field(default=None, primary_key=True)
    shard: int = Field(default=0)  # shard_of(key): a relay pass publishes a shard's rows in seq order, holding it
    event_id: str = Field(unique=True, max_length=100)
    event_type: str = Field(max_length=100)
    topic: str = Field(max_length=200)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    headers: list = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return kafka_headers(self.headers)


@dataclass(frozen=True, slots=True)
class CommittedRow:
    """An outbox row as its unit of work committed it, handed to the relay in memory: plain values, no ORM state
    (building an ``OutboxMessage`` for each cost intake alone about 3% of its CPU), so no session holds it."""

    seq: int
    shard: int
    event_id: str
    event_type: str
    topic: str
    key: bytes
    value: bytes
    headers: list
    created_at: datetime
    published_at: datetime | None = None

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return kafka_headers(self.headers)


PendingRow = OutboxMessage | CommittedRow
"""A row the relay publishes: handed over at commit, or read back from the outbox."""


class OutboxShard(SQLModel, table=True):
    """One row per relay shard (0 to RELAY_SHARDS - 1): on PostgreSQL a relay pass locks the rows of the shards
    it publishes (``FOR UPDATE SKIP LOCKED``), so instances sharing a database publish different shards."""

    __tablename__ = "outbox_shard"
    shard: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})


class UnitOfWork:
    """One transaction: state changes, the inbox mark and outbox rows commit together or not at all."""

    def __init__(
        self,
        engine: Engine,
        *,
        source: str,
        topic: str,
        clock: Clock,
        on_commit: Callable[[list[CommittedRow]], None] | None = None,
    ) -> None:
        self.session = Session(engine, expire_on_commit=False)
        self.clock = clock
        self._source = source
        self._topic = topic
        self._on_commit = on_commit
        self.emitted: list[Envelope] = []
        self._outbox: dict[str, dict] = {}  # event id -> its outbox row's columns, not written yet
        self._written: dict[str, tuple[int, dict]] = {}  # event id -> (seq, columns), written, not committed

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def mark_processed(self, consumer: str, event_id: str) -> bool:
        """Mark the event applied by ``consumer`` in this transaction, in one statement; False if it already was.

        ``INSERT … ON CONFLICT DO NOTHING``: a concurrent transaction marking the same event makes this
        one wait for it, then find the row, so an event is applied once even by two instances at once.
        The statement is built once per dialect and run on the transaction's connection, past the ORM.
        """
        connection = self.session.connection()
        marked = connection.execute(
            _MARK_PROCESSED.on(connection),
            {"consumer": consumer, "event_id": event_id, "processed_at": self.clock.now()},
        )
        return marked.first() is not None

    def emit(self, payload: EventPayload, *, episode_id: UUID | str) -> Envelope:
        """Decide an event: its outbox row is written with the rows decided before it, in order (``write_outbox``)."""
        trace: dict[str, str] = {}
        propagate.inject(trace)
        now = self.clock.now()
        envelope = Envelope.new(payload, episode_id=episode_id, source=self._source, time=now, trace=trace)
        record = to_kafka(envelope)
        self._outbox[envelope.id] = {
            "event_id": envelope.id,
            "event_type": envelope.type,
            "topic": self._topic,
            "key": record.key,
            "shard": shard_of(record.key),
            "value": record.value,
            "headers": [[name, value.decode()] for name, value in record.headers],
            "created_at": now,
            "published_at": None,
        }
        self.emitted.append(envelope)
        return envelope

    def write_outbox(self) -> None:
        """Write the outbox rows of the events decided since the last write, in one multi-row INSERT, in the
        order decided. A batch writes each record's rows inside its savepoint and span; commit writes the rest."""
        pending = [envelope.id for envelope in self.emitted if envelope.id in self._outbox]
        if not pending:
            return
        rows = [self._outbox.pop(event_id) for event_id in pending]
        self.session.flush()  # the state changes first, as before: a conflict there is the handler's
        connection = self.session.connection()
        statement = _WRITE_OUTBOX[connection.dialect.name == "postgresql"]
        seqs = {event_id: seq for seq, event_id in connection.execute(statement, rows).all()}
        for row in rows:
            self._written[row["event_id"]] = (seqs[row["event_id"]], row)

    def commit(self) -> None:
        """Write what is left of the outbox, commit, then hand the committed rows, their seqs known, to
        ``on_commit``: the relay publishes them without reading their bytes back. Only the rows of events still
        in ``emitted`` were committed (a savepoint rolled back takes its events out, and its rows with it)."""
        self.write_outbox()
        self.session.commit()
        written, self._written, self._outbox = self._written, {}, {}
        committed = [written[envelope.id] for envelope in self.emitted if envelope.id in written]
        if committed and self._on_commit is not None:
            self._on_commit([CommittedRow(seq=seq, **row) for seq, row in committed])


_INBOX = ProcessedEvent.__table__
_MARK_PROCESSED: PerDialect[Insert] = PerDialect(
    lambda dialect: dialect.insert(_INBOX).on_conflict_do_nothing().returning(_INBOX.c.event_id)
)

_OUTBOX = OutboxMessage.__table__
_WRITE_OUTBOX = {
    # PostgreSQL: SQLAlchemy's insertmanyvalues orders the rows (and so their seqs) as given, in one statement.
    True: insert(_OUTBOX).returning(_OUTBOX.c.seq, _OUTBOX.c.event_id, sort_by_parameter_order=True),
    # SQLite inserts a multi-row VALUES in its order, each row the next rowid, but returns them in no promised
    # order; asking SQLAlchemy to sort them would cost a statement per row, so each seq is found by event id.
    False: insert(_OUTBOX).returning(_OUTBOX.c.seq, _OUTBOX.c.event_id),
}
"""The outbox rows of a unit of work in one statement, with the seq each was given (``write_outbox``)."""
