"""What one relay pass takes from the outbox: the unpublished rows of the shards it holds, in seq order.

On PostgreSQL several instances of a service share its database. A pass locks up to ``CLAIM_SHARDS`` shard
rows that no other pass holds (``FOR UPDATE SKIP LOCKED``, oldest unpublished row first) and keeps them until
its rows are marked published, so two instances publish different shards at once while each episode, whose
rows all share one shard, is published by one pass at a time, in seq order. The pending rows are read after
the lock is taken: under READ COMMITTED that read sees every row a pass before it marked published. On SQLite,
one process per file, a pass takes the oldest rows of every shard and holds no lock while it sends.

Rows this process committed were handed over in memory by the unit of work (``HandedRows``); a pass reads
only their seq and event id, and the bytes of the rows it does not already have.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text, union_all
from sqlmodel import Session, col, select

from continuum_kit.delivery import RELAY_SHARDS, CommittedRow, OutboxMessage, PendingRow

CLAIM_SHARDS = 4  # per pass, of RELAY_SHARDS: under a backlog, up to four instances each find shards of their own

_CLAIM = text(
    """
    SELECT s.shard FROM outbox_shard AS s
    CROSS JOIN LATERAL (
        SELECT o.seq FROM outbox AS o WHERE o.shard = s.shard AND o.published_at IS NULL ORDER BY o.seq LIMIT 1
    ) AS oldest
    ORDER BY oldest.seq
    LIMIT :shards
    FOR UPDATE OF s SKIP LOCKED
    """
)


class HandedRows:
    """Outbox rows this process committed, by seq, until a pass publishes them or finds them published."""

    def __init__(self, limit: int = 10_000) -> None:
        self._rows: dict[int, CommittedRow] = {}
        self._lock = threading.Lock()
        self._limit = limit  # past it (a broker away for long), rows are read back from the database instead

    def add(self, rows: Iterable[CommittedRow]) -> None:
        with self._lock:
            for row in rows:
                if row.seq is not None and len(self._rows) < self._limit:
                    self._rows[row.seq] = row

    def take(self, seq: int, event_id: str) -> CommittedRow | None:
        """The row handed over with this seq, if it is this event (SQLite may reuse a rolled-back row's seq)."""
        with self._lock:
            row = self._rows.pop(seq, None)
        return row if row is not None and row.event_id == event_id else None

    def forget_published(self, shards: Sequence[int] | None, upto: int) -> None:
        """Drop rows of these shards (all: None) up to seq ``upto`` that a pass did not find unpublished: another
        instance published them. Called after the pass has taken the pending ones it found."""
        with self._lock:
            gone = [s for s, row in self._rows.items() if s <= upto and (shards is None or row.shard in shards)]
            for seq in gone:
                del self._rows[seq]

    def __len__(self) -> int:
        return len(self._rows)


@dataclass
class Claim:
    rows: list[PendingRow]
    more: bool  # the pass was full, or other shards may be waiting: run another at once


def claim(session: Session, batch_size: int, handed: HandedRows) -> Claim:
    """Lock shards (PostgreSQL) and return their unpublished rows in seq order, at most ``batch_size``."""
    postgres = session.get_bind().dialect.name == "postgresql"
    shards: list[int] | None = None
    pending = _pending(batch_size)
    if postgres:
        shards = list(session.execute(_CLAIM, {"shards": min(CLAIM_SHARDS, RELAY_SHARDS)}).scalars())
        if not shards:
            session.commit()
            return Claim([], more=False)
        # Each shard's head on its own (shard, published_at, seq) index range, never a walk of every row by seq.
        heads = union_all(
            *(_pending(batch_size).where(col(OutboxMessage.shard) == shard) for shard in shards)
        ).subquery()
        pending = select(heads.c.seq, heads.c.event_id).order_by(heads.c.seq).limit(batch_size)
    found = [(seq, event_id) for seq, event_id in session.execute(pending).all() if seq is not None]
    rows: dict[int, PendingRow] = {}
    for seq, event_id in found:
        if (row := handed.take(seq, event_id)) is not None:
            rows[seq] = row
    if missing := [seq for seq, _ in found if seq not in rows]:
        for row in session.exec(select(OutboxMessage).where(col(OutboxMessage.seq).in_(missing))).all():
            rows[row.seq or 0] = row
    if found:
        handed.forget_published(shards, found[-1][0])
    if not postgres:
        session.commit()  # SQLite: don't hold its single write lock while sending
    full = len(found) == batch_size
    return Claim([rows[seq] for seq, _ in found], more=full or (shards is not None and len(shards) == CLAIM_SHARDS))


def _pending(limit: int):  # noqa: ANN202 - a select of (seq, event_id)
    return (
        select(OutboxMessage.seq, OutboxMessage.event_id)
        .where(col(OutboxMessage.published_at).is_(None))
        .order_by(col(OutboxMessage.seq))
        .limit(limit)
    )
