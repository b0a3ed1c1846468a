"""Followup's event handlers: remember the episode's program, and plan peer check-ins after care ends."""

from functools import partial

from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeTriagedV1,
    HandoffCompletedV1,
    PlacementDischargedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork

from continuum_followup.config import FollowupSettings
from continuum_followup.domain import follow_up_wanted
from continuum_followup.plans import close, new_plan, plan_for, remember_episode, schedule_person

PUBLISHES = (
    "continuum.followup.scheduled.v1",
    "continuum.followup.attempted.v1",
    "continuum.followup.completed.v1",
    "continuum.followup.risk_found.v1",
    "continuum.reengagement.requested.v1",
    "continuum.episode.closed.v1",
)


def remember_triage(uow: UnitOfWork, envelope: Envelope[EpisodeTriagedV1]) -> None:
    """Keep the episode's program, which decides the follow-up schedule."""
    remember_episode(uow.session, envelope.episode_id, envelope.data.program)


def plan_followup(
    uow: UnitOfWork,
    envelope: Envelope[ResponseResolvedV1 | HandoffCompletedV1 | PlacementDischargedV1],
    settings: FollowupSettings,
) -> None:
    """One plan per episode: peer check-ins, or, if the person declined services, a recorded refusal."""
    if plan_for(uow.session, envelope.episode_id) is not None:
        return
    plan = new_plan(uow, envelope.episode_id)
    resolved = envelope.data
    if isinstance(resolved, ResponseResolvedV1) and not follow_up_wanted(resolved.disposition):
        close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
    else:
        schedule_person(uow, plan, settings)


def build_handlers(settings: FollowupSettings) -> Handlers:
    on_ended = partial(plan_followup, settings=settings)
    return {
        EpisodeTriagedV1: remember_triage,
        ResponseResolvedV1: on_ended,
        HandoffCompletedV1: on_ended,
        PlacementDischargedV1: on_ended,
    }
