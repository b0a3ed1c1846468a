"""Followup's event handlers: remember the episode's program, live responses and open handoffs, plan peer
check-ins after care ends, start a fresh round when the person comes back, and close no episode while a response
is live or awaited or a handoff open."""

from functools import partial

from continuum_contracts import Envelope
from continuum_contracts.events import (
    EpisodeReopenedV1,
    EpisodeTriagedV1,
    EscalationResolvedV1,
    HandoffCancelledV1,
    HandoffCompletedV1,
    HandoffDeclinedV1,
    HandoffRequestedV1,
    PlacementDischargedV1,
    PlacementReleasedV1,
    PlacementReservedV1,
    PlacementUnavailableV1,
    ResponseAssignedV1,
    ResponseCancelledV1,
    ResponseEscalatedV1,
    ResponseReplacedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork

from continuum_followup.closure import close, close_if_pending
from continuum_followup.config import FollowupSettings
from continuum_followup.domain import PlanStatus, follow_up_wanted
from continuum_followup.live_handoffs import (
    HandoffEnd,
    bed_reserved,
    handoff_declined,
    handoff_ended,
    handoff_requested,
    no_bed_anywhere,
)
from continuum_followup.live_responses import (
    ResponseEnd,
    kind_live,
    no_team_for,
    response_assigned,
    response_ended,
    supervisor_settled,
)
from continuum_followup.plans import new_plan, plan_for, remember_episode, schedule_person
from continuum_followup.reengagement import supervisor_answered
from continuum_followup.rounds import resume, suspend

PUBLISHES = (
    "continuum.followup.scheduled.v1",
    "continuum.followup.attempted.v1",
    "continuum.followup.completed.v1",
    "continuum.followup.cancelled.v1",
    "continuum.followup.risk_found.v1",
    "continuum.reengagement.requested.v1",
    "continuum.episode.closed.v1",
)


def remember_triage(uow: UnitOfWork, envelope: Envelope[EpisodeTriagedV1]) -> None:
    """Keep the episode's program, which decides the follow-up schedule, and await the response triage asked for
    (not when one of its kind is live: dispatch sends no second one of a kind under way)."""
    triaged = envelope.data
    awaited = not kind_live(uow.session, envelope.episode_id, triaged.recommended_response)
    remember_episode(uow.session, envelope.episode_id, triaged.program, awaited=awaited)


def reopened(uow: UnitOfWork, envelope: Envelope[EpisodeReopenedV1]) -> None:
    """The person came back: the open round's check-ins give way to what the new contact brings."""
    plan = plan_for(uow.session, envelope.episode_id, lock=True)
    if plan is not None:
        suspend(uow, plan)


def assigned(uow: UnitOfWork, envelope: Envelope[ResponseAssignedV1]) -> None:
    """A response is live; on an episode in follow-up it is a new obligation, so the open round is suspended."""
    plan = plan_for(uow.session, envelope.episode_id, lock=True)
    sent, now = envelope.data, uow.clock.now()
    response_assigned(uow.session, envelope.episode_id, sent.response_id, now, sent.response_type)
    if plan is not None:
        suspend(uow, plan)


def no_team(uow: UnitOfWork, envelope: Envelope[ResponseEscalatedV1]) -> None:
    """No team could be sent for the response triage asked for (an escalation naming no response): a supervisor
    owns it now, and the episode's closure waits until a team is assigned or they resolve it."""
    if envelope.data.response_id is None:
        no_team_for(uow.session, envelope.episode_id, envelope.id)


def escalation_resolved(uow: UnitOfWork, envelope: Envelope[EscalationResolvedV1], settings: FollowupSettings) -> None:
    """A supervisor resolved an escalation: a re-engagement request of ours, or the no-team escalation an awaited
    response waited on (then a closure that waited for it happens now, if nothing else is live)."""
    if supervisor_settled(uow.session, envelope.episode_id, envelope.data.escalation_id):
        close_if_pending(uow, envelope.episode_id)
    supervisor_answered(uow, envelope, settings)


def replaced(uow: UnitOfWork, envelope: Envelope[ResponseReplacedV1]) -> None:
    """A team dropped out: its response ended, and the one replacing it (if any) is live from now."""
    episode_id, now = envelope.episode_id, uow.clock.now()
    if envelope.data.replaced_by is not None:
        response_assigned(uow.session, episode_id, envelope.data.replaced_by, now)
    response_ended(uow.session, episode_id, envelope.data.response_id, ResponseEnd.REPLACED, now)
    close_if_pending(uow, episode_id)


def cancelled(uow: UnitOfWork, envelope: Envelope[ResponseCancelledV1]) -> None:
    response_ended(uow.session, envelope.episode_id, envelope.data.response_id, ResponseEnd.CANCELLED, uow.clock.now())
    close_if_pending(uow, envelope.episode_id)


def plan_followup(
    uow: UnitOfWork, envelope: Envelope[HandoffCompletedV1 | PlacementDischargedV1], settings: FollowupSettings
) -> None:
    """Care ended with a completed handoff or a discharge: one plan per episode, of peer check-ins (an episode
    with a plan already may close now, if it waited for this handoff)."""
    if isinstance(envelope.data, HandoffCompletedV1):
        handoff_ended(uow.session, envelope.episode_id, envelope.data.handoff_id, HandoffEnd.COMPLETED, uow.clock.now())
    if plan_for(uow.session, envelope.episode_id) is None:
        schedule_person(uow, new_plan(uow, envelope.episode_id), settings)
    else:
        close_if_pending(uow, envelope.episode_id)


def handoff_opened(uow: UnitOfWork, envelope: Envelope[HandoffRequestedV1]) -> None:
    """A warm handoff is open: no closure until it is completed, declined or cancelled."""
    requested = envelope.data
    handoff_requested(uow.session, envelope.episode_id, requested.handoff_id, requested.to_party, uow.clock.now())


def handoff_cancelled(uow: UnitOfWork, envelope: Envelope[HandoffCancelledV1]) -> None:
    """A handoff that will not happen: a closure that waited for it happens now, if nothing else is open."""
    now = uow.clock.now()
    handoff_ended(uow.session, envelope.episode_id, envelope.data.handoff_id, HandoffEnd.CANCELLED, now)
    close_if_pending(uow, envelope.episode_id)


def handoff_refused(uow: UnitOfWork, envelope: Envelope[HandoffDeclinedV1]) -> None:
    """The receiving partner declined: the handoff ended; a place that declined the person's bed leaves dispatch
    to find another (awaited), any other decline lets a closure that waited for it happen now."""
    declined = envelope.data
    handoff_declined(uow.session, envelope.episode_id, declined.handoff_id, declined.declined_by, uow.clock.now())
    close_if_pending(uow, envelope.episode_id)


def nowhere(uow: UnitOfWork, envelope: Envelope[PlacementUnavailableV1]) -> None:
    """No place has room for the person: a supervisor has it (the board's no_place item); the closure no longer
    waits for a bed."""
    no_bed_anywhere(uow.session, envelope.episode_id, uow.clock.now())
    close_if_pending(uow, envelope.episode_id)


def bed_held(uow: UnitOfWork, envelope: Envelope[PlacementReservedV1]) -> None:
    """A bed is held for the person: the handoff to that place, which handoff requests next, is awaited."""
    reserved = envelope.data
    bed_reserved(uow.session, envelope.episode_id, reserved.reservation_id, reserved.place_id, uow.clock.now())


def bed_released(uow: UnitOfWork, envelope: Envelope[PlacementReleasedV1]) -> None:
    """A held bed went back to the pool: a handoff to it not yet requested is awaited no more (one requested is
    cancelled by handoff, and that cancellation ends it)."""
    released, now = envelope.data, uow.clock.now()
    handoff_ended(
        uow.session, envelope.episode_id, released.reservation_id, HandoffEnd.CANCELLED, now, released.place_id
    )
    close_if_pending(uow, envelope.episode_id)


def plan_after_resolution(uow: UnitOfWork, envelope: Envelope[ResponseResolvedV1], settings: FollowupSettings) -> None:
    """A resolved response: the episode's first plan, a new round after the person came back, or a closure that
    waited for it; a refusal (services declined) closes the episode instead."""
    episode_id, resolution = envelope.episode_id, envelope.data
    response_ended(uow.session, episode_id, resolution.response_id, ResponseEnd.RESOLVED, uow.clock.now())
    plan = plan_for(uow.session, episode_id, lock=True)
    if plan is None:
        plan = new_plan(uow, episode_id)
        if follow_up_wanted(resolution.disposition):
            schedule_person(uow, plan, settings)
        else:
            close(uow, plan, ClosureReason.DECLINED_FURTHER_CONTACT)
    elif plan.status == PlanStatus.SUSPENDED:
        resume(uow, plan, resolution.disposition, settings)
    else:
        close_if_pending(uow, episode_id)


def build_handlers(settings: FollowupSettings) -> Handlers:
    on_ended = partial(plan_followup, settings=settings)
    return {
        EpisodeTriagedV1: remember_triage,
        EpisodeReopenedV1: reopened,
        ResponseAssignedV1: assigned,
        ResponseReplacedV1: replaced,
        ResponseCancelledV1: cancelled,
        ResponseEscalatedV1: no_team,
        ResponseResolvedV1: partial(plan_after_resolution, settings=settings),
        HandoffRequestedV1: handoff_opened,
        HandoffCompletedV1: on_ended,
        HandoffDeclinedV1: handoff_refused,
        HandoffCancelledV1: handoff_cancelled,
        PlacementReservedV1: bed_held,
        PlacementReleasedV1: bed_released,
        PlacementUnavailableV1: nowhere,
        PlacementDischargedV1: on_ended,
        EscalationResolvedV1: partial(escalation_resolved, settings=settings),
    }
