"""The episode's warm handoffs as handoff reports them: which are open, so that nothing closes the episode while a
person is still being handed over (a partner that never answers holds it open until a supervisor cancels the
handoff on the board, or the partner answers).

Idempotent like the live responses: a handoff is recorded once; a repeated request never revives an ended one, and
an end followup never saw requested is still recorded as ended.

A bed reserved for the person (``placement.reserved``) is followed by the handoff to that place, which the handoff
service requests on reading the reservation; until that request is seen the bed holds a row of its own, so that no
closure slips between the reservation and the request. When that place declines, dispatch gives the bed back and
holds one at another place (``placement.reserved``) or tells a supervisor there is none (``placement.unavailable``);
until one of the two is seen the declined bed holds a row of its own too.
"""

from datetime import datetime
from enum import StrEnum
from types import ModuleType
from uuid import NAMESPACE_URL, UUID, uuid5

import sqlalchemy as sa
from continuum_kit.db import PerDialect
from sqlalchemy import Insert, bindparam
from sqlmodel import Session

from continuum_followup.store import LiveHandoff


class HandoffEnd(StrEnum):
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REQUESTED = "requested"  # a reserved bed's row: the handoff to the place is now open in its own right
    ANSWERED = "answered"  # a declined bed's row: dispatch held another bed, or found none and told a supervisor


_HANDOFFS = LiveHandoff.__table__
_OPEN = _HANDOFFS.c.ended_at.is_(None)


def _opened(dialect: ModuleType) -> Insert:
    return dialect.insert(_HANDOFFS).on_conflict_do_nothing(index_elements=[_HANDOFFS.c.handoff_id])


def _ended(dialect: ModuleType) -> Insert:
    upsert = dialect.insert(_HANDOFFS)
    return upsert.on_conflict_do_update(
        index_elements=[_HANDOFFS.c.handoff_id],
        set_={"ended_at": upsert.excluded.ended_at, "end": upsert.excluded.end},
        where=_OPEN,
    )


_OPENED: PerDialect[Insert] = PerDialect(_opened)
_ENDED: PerDialect[Insert] = PerDialect(_ended)
_OF_EPISODE = _HANDOFFS.c.episode_id == bindparam("episode")
_PLACE_REQUESTED = (
    sa.update(_HANDOFFS)
    .where(_OF_EPISODE, _OPEN, _HANDOFFS.c.for_place, _HANDOFFS.c.to_party == bindparam("place"))
    .values(ended_at=bindparam("now"), end=HandoffEnd.REQUESTED.value)
)
ANY_PLACE = ""  # a declined bed's row: dispatch is looking for another place, whichever it will be
_NEXT_PLACE = (
    sa.update(_HANDOFFS)
    .where(_OF_EPISODE, _OPEN, _HANDOFFS.c.for_place, _HANDOFFS.c.to_party == ANY_PLACE)
    .values(ended_at=bindparam("now"), end=HandoffEnd.ANSWERED.value)
)
_BED_AT = sa.select(_HANDOFFS.c.handoff_id).where(
    _OF_EPISODE,
    _HANDOFFS.c.for_place,
    _HANDOFFS.c.to_party == bindparam("place"),
    _HANDOFFS.c.end == HandoffEnd.REQUESTED.value,
)
_OPEN_COUNT = sa.select(sa.func.count()).select_from(_HANDOFFS).where(_OF_EPISODE, _OPEN)


def _row(episode_id: UUID, key: UUID, to_party: str, now: datetime, for_place: bool) -> dict:
    return {"handoff_id": key, "episode_id": episode_id, "to_party": to_party, "for_place": for_place, "opened_at": now}


def _open(session: Session, episode_id: UUID, key: UUID, to_party: str, now: datetime, *, for_place: bool) -> None:
    connection = session.connection()
    connection.execute(_OPENED.on(connection), _row(episode_id, key, to_party, now, for_place))


def bed_reserved(session: Session, episode_id: UUID, reservation_id: UUID, place_id: str, now: datetime) -> None:
    """A bed is held for the person: a handoff to that place is coming (after a decline, this is the next place)."""
    session.connection().execute(_NEXT_PLACE, {"episode": episode_id, "now": now})
    _open(session, episode_id, reservation_id, place_id, now, for_place=True)


def no_bed_anywhere(session: Session, episode_id: UUID, now: datetime) -> None:
    """Dispatch found no other place after a decline: a supervisor has it now (the board's no_place item)."""
    session.connection().execute(_NEXT_PLACE, {"episode": episode_id, "now": now})


def handoff_declined(session: Session, episode_id: UUID, handoff_id: UUID, declined_by: str, now: datetime) -> None:
    """Ended; when it was the handoff of a bed, dispatch's next place (or its word that there is none) is awaited."""
    handoff_ended(session, episode_id, handoff_id, HandoffEnd.DECLINED, now, declined_by)
    connection = session.connection()
    if connection.execute(_BED_AT, {"episode": episode_id, "place": declined_by}).first() is not None:
        key = uuid5(NAMESPACE_URL, f"continuum:declined-bed:{handoff_id}")
        _open(session, episode_id, key, ANY_PLACE, now, for_place=True)


def handoff_requested(session: Session, episode_id: UUID, handoff_id: UUID, to_party: str, now: datetime) -> None:
    """Open from now; a bed reserved at that place waits no more for its handoff (the handoff stands for it)."""
    session.connection().execute(_PLACE_REQUESTED, {"episode": episode_id, "place": to_party, "now": now})
    _open(session, episode_id, handoff_id, to_party, now, for_place=False)


def handoff_ended(
    session: Session, episode_id: UUID, key: UUID, end: HandoffEnd, now: datetime, to_party: str = ""
) -> None:
    """Ended (a handoff, or a reserved bed released before its handoff was requested), once."""
    connection = session.connection()
    values = _row(episode_id, key, to_party, now, for_place=False) | {"ended_at": now, "end": end}
    connection.execute(_ENDED.on(connection), values)


def open_handoffs(session: Session, episode_id: UUID) -> int:
    """The handoffs (and reserved beds still awaiting theirs) the episode's closure waits for."""
    return session.connection().execute(_OPEN_COUNT, {"episode": episode_id}).scalar_one()
