"""The episode's responses as dispatch reports them: which are live, so that nothing closes the episode while one is.

Idempotent: a response is recorded once; a repeated assignment neither revives an ended response nor adds a row,
and an end followup never saw assigned is still recorded as ended.
"""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlmodel import Session, col, func, select

from continuum_followup.store import LiveResponse


class ResponseEnd(StrEnum):
    RESOLVED = "resolved"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


def response_assigned(session: Session, episode_id: UUID, response_id: UUID, now: datetime) -> None:
    if session.get(LiveResponse, response_id) is None:
        session.add(LiveResponse(response_id=response_id, episode_id=episode_id, assigned_at=now))
        session.flush()


def response_ended(session: Session, episode_id: UUID, response_id: UUID, end: ResponseEnd, now: datetime) -> None:
    known = session.get(LiveResponse, response_id, with_for_update=True)
    known = known or LiveResponse(response_id=response_id, episode_id=episode_id, assigned_at=now)
    if known.ended_at is None:
        known.ended_at, known.end = now, end
        session.add(known)
        session.flush()


def live_count(session: Session, episode_id: UUID) -> int:
    query = select(func.count()).where(LiveResponse.episode_id == episode_id, col(LiveResponse.ended_at).is_(None))
    return session.exec(query).one()
