"""Dispatch's event handlers: a triaged episode gets the response triage recommended, and deflection is counted;
a place that declined the person gives its bed back and another is held."""

import logging
from functools import partial
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1, EpisodeTriagedV1, HandoffDeclinedV1, LawEnforcementDeflectedV1
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_dispatch.assignment import Request, send
from continuum_dispatch.closure import end_episode
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.deflection import eligible, kept_demographics, outcome, police_reason
from continuum_dispatch.domain import FINAL
from continuum_dispatch.place_declined import on_handoff_declined
from continuum_dispatch.store import Deflection, Response

log = logging.getLogger(__name__)

PUBLISHES = (
    "continuum.response.assigned.v1",
    "continuum.response.updated.v1",
    "continuum.response.escalated.v1",
    "continuum.response.replaced.v1",
    "continuum.response.cancelled.v1",
    "continuum.lawenforcement.deflected.v1",
    "continuum.response.safety_changed.v1",
    "continuum.lawenforcement.deflection_corrected.v1",
    "continuum.response.resolved.v1",
    "continuum.placement.reserved.v1",
    "continuum.placement.admitted.v1",
    "continuum.placement.released.v1",
    "continuum.placement.discharged.v1",
    "continuum.placement.unavailable.v1",
)


def assign_response(uow: UnitOfWork, envelope: Envelope[EpisodeTriagedV1], settings: DispatchSettings) -> None:
    """Send the response triage recommended (dispatch never upgrades it to police) and count any deflection."""
    triaged = envelope.data
    episode_id = envelope.episode_id
    if _already_responding(uow, episode_id, triaged):
        log.info("episode %s already has a %s response under way", episode_id, triaged.recommended_response)
        return
    request = Request(
        episode_id,
        triaged.recommended_response,
        [need.value for need in triaged.needs],
        triaged.area,
        triaged.grid,
        triaged.preferences is not None and triaged.preferences.peer_preferred,
    )
    reason = police_reason(triaged.safety_flags, triaged.reasons) if triaged.police_required else None
    response = send(uow, request, settings, reason=reason)
    if eligible(triaged.channel, triaged.call_type, settings.deflection_eligible_call_types):
        _count_deflection(uow, episode_id, triaged, response, settings)


def _already_responding(uow: UnitOfWork, episode_id: UUID, triaged: EpisodeTriagedV1) -> bool:
    """A returning contact while the same kind of response is still under way does not send a second team."""
    query = select(Response.response_id).where(
        Response.episode_id == episode_id,
        Response.response_type == triaged.recommended_response,
        col(Response.status).not_in([s.value for s in FINAL]),
    )
    return uow.session.exec(query).first() is not None


def _count_deflection(
    uow: UnitOfWork, episode_id: UUID, triaged: EpisodeTriagedV1, response: Response | None, settings: DispatchSettings
) -> None:
    result = outcome(triaged.police_required, triaged.safety_flags, triaged.reasons, sent=response is not None)
    uow.session.add(
        Deflection(
            episode_id=episode_id,
            response_id=response.response_id if response else None,
            program=triaged.program,
            call_type=triaged.call_type,
            channel=triaged.channel,
            demographics=kept_demographics(triaged.demographics, settings.demographic_fields),
            deflected=result.deflected,
            reason=result.reason,
            at=uow.clock.now(),
        )
    )
    if result.deflected and response is not None:
        uow.emit(
            LawEnforcementDeflectedV1(
                response_id=response.response_id,
                channel=triaged.channel,
                call_type=triaged.call_type,
                reason=result.reason,
            ),
            episode_id=episode_id,
        )


def build_handlers(county: DispatchSettings) -> Handlers:
    return {
        EpisodeTriagedV1: partial(assign_response, settings=county),
        EpisodeClosedV1: end_episode,
        HandoffDeclinedV1: partial(on_handoff_declined, settings=county),
    }
