"""Handoff's event handlers: what it consumes, and every event type it publishes."""

from functools import partial

from continuum_contracts import Envelope
from continuum_contracts.events import (
    ConsentRecordedV1,
    ConsentRevokedV1,
    EpisodeClosedV1,
    EpisodeTriagedV1,
    EscalationResolvedV1,
    PlacementReleasedV1,
    PlacementReservedV1,
    ResponseResolvedV1,
)
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork

from continuum_handoff.config import HandoffSettings
from continuum_handoff.consents import on_consent_recorded, on_consent_revoked
from continuum_handoff.episode_closure import on_episode_closed
from continuum_handoff.handoff_resolution import on_handoff_escalation_resolved
from continuum_handoff.partner_referrals import send_referrals
from continuum_handoff.referral_resolution import on_escalation_resolved
from continuum_handoff.warm_handoffs import (
    on_placement_released,
    on_triaged,
    request_placement_handoff,
)

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
    "continuum.referral.escalated.v1",
    "continuum.referral.closed.v1",
    "continuum.referral.kept_open.v1",
    "continuum.referral.handed_on.v1",
)


def escalation_resolved(uow: UnitOfWork, envelope: Envelope[EscalationResolvedV1], settings: HandoffSettings) -> None:
    """A supervisor resolved an escalation on the board: a referral's or a handoff's (each applies its own kinds)."""
    on_escalation_resolved(uow, envelope, settings)
    on_handoff_escalation_resolved(uow, envelope, settings)


def build_handlers(settings: HandoffSettings) -> Handlers:
    return {
        EpisodeTriagedV1: partial(on_triaged, settings=settings),
        PlacementReservedV1: partial(request_placement_handoff, settings=settings),
        ResponseResolvedV1: partial(send_referrals, settings=settings),
        PlacementReleasedV1: on_placement_released,
        EpisodeClosedV1: partial(on_episode_closed, settings=settings),
        EscalationResolvedV1: partial(escalation_resolved, settings=settings),
        ConsentRecordedV1: on_consent_recorded,
        ConsentRevokedV1: on_consent_revoked,
    }
