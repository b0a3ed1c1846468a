"""Records the episode stage changes other services decided; intake decides only a contact's (``reception.py``).

Dispatch decides stabilization (a bed was reserved) and post-crisis (the response was resolved); followup
decides closure. Intake keeps the episode's stage so that its episode view and a returning contact see it.
A closed episode stays closed: a late event does not move it back.
"""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import Stage
from continuum_kit.delivery import UnitOfWork
from sqlalchemy import Update, bindparam, update
from sqlmodel import Session

from continuum_intake.store import Episode

_EPISODE = Episode.__table__
_OPEN = (_EPISODE.c.episode_id == bindparam("episode"), _EPISODE.c.closed_at.is_(None))
_RECORD_STAGE = update(_EPISODE).where(*_OPEN).values(stage=bindparam("new_stage"))
_RECORD_CLOSURE = (
    update(_EPISODE)
    .where(*_OPEN)
    .values(stage=Stage.CLOSED.value, closed_at=bindparam("at"), closure_reason=bindparam("reason"))
)


def _update_open_episode(uow: UnitOfWork, statement: Update, values: dict) -> None:
    """One UPDATE of the episode if it is still open, built once, past the ORM: no read first. The row stays
    locked until this change commits, so a stage or a closure recorded at the same moment, or a contact joining
    the episode (``reception.py``), waits for this one and then sees it. A copy of the row the session holds
    (an earlier record of the batch read it) is expired, so that it is read again as changed."""
    session = uow.session
    session.flush()
    session.connection().execute(statement, values)
    held = session.identity_map.get(Session.identity_key(Episode, values["episode"]))
    if held is not None:
        session.expire(held)


def record_stage(uow: UnitOfWork, episode_id: UUID, stage: Stage) -> None:
    """The stage dispatch decided for an open episode."""
    _update_open_episode(uow, _RECORD_STAGE, {"episode": episode_id, "new_stage": stage.value})


def record_closure(uow: UnitOfWork, episode_id: UUID, closed_at: datetime, reason: str) -> None:
    """Followup closed the episode: the stage, when and why."""
    _update_open_episode(uow, _RECORD_CLOSURE, {"episode": episode_id, "at": closed_at, "reason": reason})
