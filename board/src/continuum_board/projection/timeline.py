"""Projects every episode event into the board's read model: one handler for the whole catalogue.

Each event is kept for the timeline (with its CloudEvents source and trace id), then handed, typed by its payload
class, to the projector that applies it to the episode, team, bed, handoff, referral and follow-up rows, and to the
"needs a human" queue (``escalations.py``). Times are the events'
own (CloudEvents ``time``, or the contact's ``received_at``), so the board and the KPIs measure what the services
decided, when they decided it.
"""

from collections.abc import Callable
from typing import Any

from continuum_contracts import CATALOGUE, Envelope
from continuum_contracts import events as ev
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork
from sqlalchemy import event as sa_event
from sqlmodel import Session

from continuum_board.config import BoardSettings
from continuum_board.projection import episodes, escalations, followups, handoffs, places, referrals, responses
from continuum_board.projection.change import Change, Projectors
from continuum_board.store import EpisodeRow, EventRow

# Observe(name, seconds, episode) is called only after the transaction that measured it commits.
Observe = Callable[[str, float, EpisodeRow], None]
PROJECTORS: Projectors = {
    **episodes.PROJECTORS,
    **responses.PROJECTORS,
    **places.PROJECTORS,
    **handoffs.PROJECTORS,
    **followups.PROJECTORS,
    **referrals.PROJECTORS,
}
# Applied only to an episode the board already knows: a referral's reminder alone opens no episode on the board.
KNOWN_EPISODE_ONLY = frozenset({ev.ReferralReminderSentV1}) | frozenset(escalations.SUPERVISOR)


def trace_id(envelope: Envelope) -> str | None:
    """The W3C trace id from ``traceparent`` (version-traceid-parentid-flags), if the event carried one."""
    parts = envelope.trace.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


class Projection:
    def __init__(self, settings: BoardSettings, observe: Observe | None = None) -> None:
        self.settings = settings
        self.observe = observe

    def handlers(self) -> Handlers:
        """Every catalogued type: the timeline holds all of an episode's events, not only the ones it reacts to."""
        return dict.fromkeys(CATALOGUE.values(), self.apply)

    def apply(self, uow: UnitOfWork, envelope: Envelope[Any]) -> None:
        session = uow.session
        session.add(
            EventRow(
                event_id=envelope.id,
                episode_id=envelope.episode_id,
                type=envelope.type,
                source=envelope.source,
                time=envelope.time,
                trace_id=trace_id(envelope),
                data=self._kept_data(envelope),
            )
        )
        kind = type(envelope.data)
        project = PROJECTORS.get(kind)
        queued = kind in escalations.QUEUE_TYPES
        episode = session.get(EpisodeRow, envelope.episode_id, with_for_update=True)
        if episode is None and (kind in KNOWN_EPISODE_ONLY or (project is None and not queued)):
            return  # only in the timeline (a referral's reminder alone, a consent): no episode is opened for it
        if episode is None:
            episode = EpisodeRow(episode_id=envelope.episode_id, updated_at=envelope.time)
        change = Change(session, episode, self.settings)
        if project is not None:
            project(change, envelope)
        if queued:
            escalations.project(change, envelope)
        episode.updated_at = max(episode.updated_at, envelope.time)
        session.add(episode)
        if change.measured and self.observe is not None:
            # The runtime applies one record at a time, so the measurements of this event can wait for its commit.
            _observe_after_commit(session, change.measured, self.observe)

    def _kept_data(self, envelope: Envelope[Any]) -> dict:
        data = envelope.data.model_dump(mode="json")
        if isinstance(envelope.data, ev.EpisodeTriagedV1):
            data["demographics"] = episodes.kept_demographics(self.settings, envelope.data.demographics)
        return data


def _observe_after_commit(session: Session, measured: list[tuple[str, float, EpisodeRow]], observe: Observe) -> None:
    def after_commit(_session: Session) -> None:
        for name, seconds, row in measured:
            observe(name, seconds, row)

    sa_event.listen(session, "after_commit", after_commit, once=True)
