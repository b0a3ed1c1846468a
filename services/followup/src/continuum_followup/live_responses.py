"""The episode's responses as dispatch reports them: which are live, so that nothing closes the episode while one is.

Idempotent: a response is recorded once; a repeated assignment neither revives an ended response nor adds a row,
and an end followup never saw assigned is still recorded as ended.
"""

from datetime import datetime
from enum import StrEnum
from types import ModuleType
from uuid import UUID

from continuum_kit.db import PerDialect
from sqlalchemy import Insert
from sqlmodel import Session, col, func, select

from continuum_followup.store import LiveResponse


class ResponseEnd(StrEnum):
    RESOLVED = "resolved"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


_LIVE = LiveResponse.__table__


def _ended(dialect: ModuleType) -> Insert:
    """Recorded as ended, with when and how, unless it already ended; one never seen assigned is recorded ended."""
    upsert = dialect.insert(_LIVE)
    return upsert.on_conflict_do_update(
        index_elements=[_LIVE.c.response_id],
        set_={"ended_at": upsert.excluded.ended_at, "end": upsert.excluded.end},
        where=_LIVE.c.ended_at.is_(None),
    )


# One statement each, built once: the row is written or left as it is by the database (its primary key decides),
# so no read comes first, and two transactions recording the same response at once still record it once.
_ASSIGNED: PerDialect[Insert] = PerDialect(lambda dialect: dialect.insert(_LIVE).on_conflict_do_nothing())
_ENDED: PerDialect[Insert] = PerDialect(_ended)


def response_assigned(session: Session, episode_id: UUID, response_id: UUID, now: datetime) -> None:
    connection = session.connection()
    values = {"response_id": response_id, "episode_id": episode_id, "assigned_at": now}
    connection.execute(_ASSIGNED.on(connection), values)


def response_ended(session: Session, episode_id: UUID, response_id: UUID, end: ResponseEnd, now: datetime) -> None:
    connection = session.connection()
    values = {"response_id": response_id, "episode_id": episode_id, "assigned_at": now, "ended_at": now, "end": end}
    connection.execute(_ENDED.on(connection), values)


def live_count(session: Session, episode_id: UUID) -> int:
    query = select(func.count()).where(LiveResponse.episode_id == episode_id, col(LiveResponse.ended_at).is_(None))
    return session.exec(query).one()
