"""Records the episode stage changes other services decided; intake decides only a contact's (``reception.py``).

Dispatch decides stabilization (a bed was reserved) and post-crisis (the response was resolved); followup
decides closure. Intake keeps the episode's stage so that its episode view and a returning contact see it.
A closed episode stays closed: a late event does not move it back.
"""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import Stage
from continuum_kit.delivery import UnitOfWork

from continuum_intake.store import Episode


def _open_episode(uow: UnitOfWork, episode_id: UUID) -> Episode | None:
    """The episode if still open, its row locked until this change commits: a stage or a closure recorded at
    the same moment, or a contact joining it (``reception.py``), waits for this one and then sees it."""
    episode = uow.session.get(Episode, episode_id, with_for_update=True)
    return episode if episode is not None and episode.closed_at is None else None


def record_stage(uow: UnitOfWork, episode_id: UUID, stage: Stage) -> None:
    """The stage dispatch decided for an open episode."""
    if (episode := _open_episode(uow, episode_id)) is not None:
        episode.stage = stage
        uow.session.add(episode)


def record_closure(uow: UnitOfWork, episode_id: UUID, closed_at: datetime, reason: str) -> None:
    """Followup closed the episode: the stage, when and why."""
    if (episode := _open_episode(uow, episode_id)) is not None:
        episode.stage = Stage.CLOSED
        episode.closed_at = closed_at
        episode.closure_reason = reason
        uow.session.add(episode)
