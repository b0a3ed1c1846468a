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
    uow: UnitOfWork, envelope: Envelope[HandoffCompletedV1 | PlacementDischargedV1], settings: FollowupSettings
) -> None:
    """Care ended with a completed handoff or a discharge: one plan per episode, of peer check-ins."""
    if plan_for(uow.session, envelope.episode_id) is not None:
        return
    schedule_person(uow, new_plan(uow, envelope.episode_id), settings)


def plan_after_resolution(uow: UnitOfWork, envelope: Envelope[ResponseResolvedV1], settings: FollowupSettings) -> None:
    """A resolved response: one plan per episode, of peer check-ins, or a recorded refusal if services were declined."""
    if plan_for(uow.session, envelope.episode_id) is not None:
        return
    plan = new_plan(uow, envelope.episode_id)
    if follow_up_wanted(envelope.data.disposition):
        schedule_person(uow, plan, settings)
    else:
        close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)


def build_handlers(settings: FollowupSettings) -> Handlers:
    on_ended = partial(plan_followup, settings=settings)
    return {
        EpisodeTriagedV1: remember_triage,
        ResponseResolvedV1: partial(plan_after_resolution, settings=settings),
        HandoffCompletedV1: on_ended,
        PlacementDischargedV1: on_ended,
    }
