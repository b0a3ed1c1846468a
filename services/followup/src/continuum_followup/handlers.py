"""Followup's event handlers: remember the episode's program, and plan peer check-ins after care ends."""

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeTriagedV1, ResponseResolvedV1
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.consumer import Handler
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


def remember_triage(uow: UnitOfWork, envelope: Envelope) -> None:
    """Keep the episode's program. The contract carries no preferred channel yet: check-ins go by phone."""
    triaged = envelope.data
    assert isinstance(triaged, EpisodeTriagedV1)
    remember_episode(uow.session, envelope.episode_id, triaged.program, channel=None)


def plan_followup(uow: UnitOfWork, envelope: Envelope, settings: FollowupSettings) -> None:
    """One plan per episode: peer check-ins, or, if the person declined services, a recorded refusal."""
    if plan_for(uow.session, envelope.episode_id) is not None:
        return
    plan = new_plan(uow, envelope.episode_id)
    resolved = envelope.data
    if isinstance(resolved, ResponseResolvedV1) and not follow_up_wanted(resolved.disposition):
        close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
    else:
        schedule_person(uow, plan, settings)


def build_handlers(settings: FollowupSettings) -> dict[str, Handler]:
    def on_ended(uow: UnitOfWork, envelope: Envelope) -> None:
        plan_followup(uow, envelope, settings)

    return {
        "continuum.episode.triaged.v1": remember_triage,
        "continuum.response.resolved.v1": on_ended,
        "continuum.handoff.completed.v1": on_ended,
        "continuum.placement.discharged.v1": on_ended,
    }
