"""Intake's Kafka entry points: each event in is handed to the use case that records or acts on it."""

from functools import partial

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1, FollowupRiskFoundV1, PlacementReservedV1, ResponseResolvedV1
from continuum_contracts.vocabulary import Stage
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork

from continuum_intake.parts import IntakeParts
from continuum_intake.reception import receive_renewed_risk
from continuum_intake.stage_records import record_closure, record_stage

PUBLISHES = (
    "continuum.contact.received.v1",
    "continuum.episode.opened.v1",
    "continuum.episode.reopened.v1",
    "continuum.episode.triaged.v1",
    "continuum.consent.recorded.v1",
    "continuum.consent.revoked.v1",
    "continuum.disclosure.recorded.v1",
)


def bed_reserved(uow: UnitOfWork, envelope: Envelope[PlacementReservedV1]) -> None:
    record_stage(uow, envelope.episode_id, Stage.STABILIZATION)


def response_resolved(uow: UnitOfWork, envelope: Envelope[ResponseResolvedV1]) -> None:
    record_stage(uow, envelope.episode_id, Stage.POST_CRISIS)


def episode_closed(uow: UnitOfWork, envelope: Envelope[EpisodeClosedV1]) -> None:
    record_closure(uow, envelope.episode_id, envelope.time, envelope.data.reason)


def risk_found(uow: UnitOfWork, envelope: Envelope[FollowupRiskFoundV1], parts: IntakeParts) -> None:
    risk = envelope.data
    receive_renewed_risk(uow, parts, envelope.episode_id, risk.safety_flags, risk.needs)


def build_handlers(parts: IntakeParts) -> Handlers:
    return {
        EpisodeClosedV1: episode_closed,
        PlacementReservedV1: bed_reserved,
        ResponseResolvedV1: response_resolved,
        FollowupRiskFoundV1: partial(risk_found, parts=parts),
    }
