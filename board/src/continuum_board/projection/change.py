"""What a projector is handed for one event: the session, the episode's row (locked) and what the event measured."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from continuum_contracts import Envelope
from continuum_contracts.events import EventPayload
from continuum_contracts.vocabulary import Stage
from sqlmodel import Session

from continuum_board.config import BoardSettings
from continuum_board.store import EpisodeRow

P = TypeVar("P", bound=EventPayload)


@dataclass
class Change:
    session: Session
    episode: EpisodeRow
    settings: BoardSettings
    # (name, seconds, episode): observed only after the transaction that measured them commits.
    measured: list[tuple[str, float, EpisodeRow]] = field(default_factory=list)

    def measure(self, name: str, start: datetime | None, end: datetime) -> None:
        if start is not None:
            self.measured.append((name, max((end - start).total_seconds(), 0.0), self.episode))

    def move_to(self, stage: Stage) -> None:
        if self.episode.closed_at is None:
            self.episode.stage = stage


Projector = Callable[[Change, Envelope[P]], None]
"""Applies one event to the read model; registered for a payload class, it receives ``Envelope[ThatClass]``."""
Projectors = Mapping[type[EventPayload], Projector[Any]]
