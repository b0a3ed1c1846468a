"""Handoff's event handlers: what it consumes, and every event type it publishes."""

from continuum_contracts import Envelope
from continuum_kit.consumer import Handler
from continuum_kit.delivery import UnitOfWork

from continuum_handoff.config import HandoffSettings
from continuum_handoff.handoffs import on_episode_closed, on_placement_released, on_triaged, request_placement_handoff
from continuum_handoff.referrals import send_referrals

PUBLISHES = (
    "continuum.handoff.requested.v1",
    "continuum.handoff.accepted.v1",
    "continuum.handoff.declined.v1",
    "continuum.handoff.escalated.v1",
    "continuum.handoff.completed.v1",
    "continuum.handoff.received.v1",
    "continuum.handoff.started.v1",
    "continuum.handoff.cancelled.v1",
    "continuum.referral.sent.v1",
    "continuum.referral.result.v1",
    "continuum.referral.reminded.v1",
)


def build_handlers(settings: HandoffSettings) -> dict[str, Handler]:
    def on_episode_triaged(uow: UnitOfWork, envelope: Envelope) -> None:
        on_triaged(uow, envelope, settings)

    def on_placement_reserved(uow: UnitOfWork, envelope: Envelope) -> None:
        request_placement_handoff(uow, envelope, settings)

    def on_response_resolved(uow: UnitOfWork, envelope: Envelope) -> None:
        send_referrals(uow, envelope, settings)

    return {
        "continuum.episode.triaged.v1": on_episode_triaged,
        "continuum.placement.reserved.v1": on_placement_reserved,
        "continuum.response.resolved.v1": on_response_resolved,
        "continuum.placement.released.v1": on_placement_released,
        "continuum.episode.closed.v1": on_episode_closed,
    }
