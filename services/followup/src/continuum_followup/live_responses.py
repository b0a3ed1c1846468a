"""The episode's responses as dispatch reports them: which are live, and whether one triage asked for is still to
come, so that nothing closes the episode while one is live or awaited.

Idempotent: a response is recorded once; a repeated assignment neither revives an ended response nor adds a row,
and an end followup never saw assigned is still recorded as ended.

Awaited: triage asks dispatch for a response, and until dispatch assigns one the episode has a response coming
that no event has shown followup yet. A quick handoff's follow-up plan could otherwise complete and close the
episode before the team was even sent. The wait ends when a response is assigned; when no team can go, dispatch
escalates (with no response) and the wait is the supervisor's until a team is assigned or they resolve that
escalation. A returning contact asking for a kind of response already live is not awaited: dispatch sends no
second one of a kind under way.
"""

from datetime import datetime
from enum import StrEnum
from types import ModuleType
from uuid import UUID

import sqlalchemy as sa
from continuum_kit.db import PerDialect
from sqlalchemy import Insert, bindparam
from sqlmodel import Session, col, func, or_, select

from continuum_followup.store import EpisodeProgram, LiveResponse


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
def _assigned(dialect: ModuleType) -> Insert:
    """Recorded live, once; a response first seen named as a replacement learns its type from its assignment."""
    upsert = dialect.insert(_LIVE)
    return upsert.on_conflict_do_update(
        index_elements=[_LIVE.c.response_id],
        set_={"response_type": upsert.excluded.response_type},
        where=_LIVE.c.response_type.is_(None),
    )


_ASSIGNED: PerDialect[Insert] = PerDialect(_assigned)
_ENDED: PerDialect[Insert] = PerDialect(_ended)

_EPISODES = EpisodeProgram.__table__
_OF_EPISODE = _EPISODES.c.episode_id == bindparam("episode")
_SENT = sa.update(_EPISODES).where(_OF_EPISODE).values(response_awaited=False, no_team_escalation=None)
_NO_TEAM = (
    sa.update(_EPISODES)
    .where(_OF_EPISODE, _EPISODES.c.response_awaited)
    .values(no_team_escalation=bindparam("escalation"))
)
_SETTLED = _SENT.where(_EPISODES.c.no_team_escalation == bindparam("escalation"))
_AWAITED = sa.select(_EPISODES.c.response_awaited).where(_OF_EPISODE)


def response_assigned(
    session: Session, episode_id: UUID, response_id: UUID, now: datetime, response_type: str | None = None
) -> None:
    """Live from now (a response named as a replacement is live before its assignment is seen); a team is going,
    so a response awaited for the episode is no longer."""
    connection = session.connection()
    values = {"response_id": response_id, "episode_id": episode_id, "assigned_at": now, "response_type": response_type}
    connection.execute(_ASSIGNED.on(connection), values)
    if response_type is not None:
        connection.execute(_SENT, {"episode": episode_id})


def response_ended(session: Session, episode_id: UUID, response_id: UUID, end: ResponseEnd, now: datetime) -> None:
    connection = session.connection()
    values = {"response_id": response_id, "episode_id": episode_id, "assigned_at": now, "ended_at": now, "end": end}
    connection.execute(_ENDED.on(connection), values)


def live_count(session: Session, episode_id: UUID) -> int:
    query = select(func.count()).where(LiveResponse.episode_id == episode_id, col(LiveResponse.ended_at).is_(None))
    return session.exec(query).one()


def kind_live(session: Session, episode_id: UUID, response_type: str) -> bool:
    """A response of this kind is live (one whose kind followup never learnt counts: dispatch may be keeping it)."""
    kind = or_(LiveResponse.response_type == response_type, col(LiveResponse.response_type).is_(None))
    query = select(LiveResponse.response_id).where(
        LiveResponse.episode_id == episode_id, col(LiveResponse.ended_at).is_(None), kind
    )
    return session.exec(query.limit(1)).first() is not None


def no_team_for(session: Session, episode_id: UUID, escalation_id: str) -> None:
    """Dispatch could send no team for the awaited response: the wait is now that escalation's, a supervisor's."""
    session.connection().execute(_NO_TEAM, {"episode": episode_id, "escalation": escalation_id})


def supervisor_settled(session: Session, episode_id: UUID, escalation_id: str) -> bool:
    """A supervisor resolved the no-team escalation the episode's awaited response waits on: it is awaited no more.
    True when it was that escalation."""
    parameters = {"episode": episode_id, "escalation": escalation_id}
    return session.connection().execute(_SETTLED, parameters).rowcount > 0


def awaited(session: Session, episode_id: UUID) -> bool:
    return bool(session.connection().execute(_AWAITED, {"episode": episode_id}).scalar())


def outstanding(session: Session, episode_id: UUID) -> int:
    """The responses the episode's closure waits for: those live, and one triage asked for that is still to come."""
    return live_count(session, episode_id) + awaited(session, episode_id)
