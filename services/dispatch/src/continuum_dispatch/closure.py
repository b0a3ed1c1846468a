"""Dispatch's part of closing an episode: no response stays live and no bed stays held for a closed episode.

Followup closes an episode only when nothing of it is under way; a person who declines further contact
mid-response closes it anyway, so a live response is cancelled (its team freed) and a held bed released.
An admitted bed stays: the person is there.
"""

import logging

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1, ResponseCancelledV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_dispatch.domain import FINAL, BedState, ResponseStatus
from continuum_dispatch.placement import release
from continuum_dispatch.store import Reservation, Response
from continuum_dispatch.team_replacement import free_unless_busy, stop_timers

log = logging.getLogger(__name__)
EPISODE_CLOSED = "episode_closed"


def end_episode(uow: UnitOfWork, envelope: Envelope[EpisodeClosedV1]) -> None:
    """Cancel the episode's live responses and release its held beds, each with an event; again, nothing."""
    episode_id = envelope.episode_id
    live = (
        select(Response)
        .where(Response.episode_id == episode_id, col(Response.status).not_in([s.value for s in FINAL]))
        .order_by(col(Response.assigned_at))
        .with_for_update()
    )
    for response in uow.session.exec(live).all():
        response.status = ResponseStatus.CANCELLED
        response.updated_at = uow.clock.now()
        stop_timers(response)
        uow.session.add(response)
        uow.emit(
            ResponseCancelledV1(
                response_id=response.response_id, responder_id=response.responder_id, reason=EPISODE_CLOSED
            ),
            episode_id=episode_id,
        )
        free_unless_busy(uow, response.responder_id)
        log.info("response %s cancelled: episode %s closed", response.response_id, episode_id)
    held = (
        select(Reservation)
        .where(Reservation.episode_id == episode_id, Reservation.state == BedState.HELD)
        .with_for_update()
    )
    for reservation in uow.session.exec(held).all():
        release(uow, reservation, EPISODE_CLOSED)
