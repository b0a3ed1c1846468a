"""The obligation rule for handoff's two obligations, a warm handoff and a housing referral: each has an owner
and a deadline; when the owner disappears or the deadline passes an escalation with its reason reaches a human,
and when the episode closes it is cancelled or handed on with an event, never left silently open."""

from datetime import timedelta

import pytest
from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import ClosureReason, Need

RESPITE, HOUSING = "peer-respite-east", "coordinated-entry"


def handoff_deadline_passes(hub, clock):
    """Nobody accepts the warm handoff within the acceptance window."""
    hub.reserve()
    clock.advance(timedelta(minutes=31))


def facility_silent_after_accepting(hub, clock):
    """The receiving facility accepts, then stops answering: the person is between two owners."""
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    clock.advance(timedelta(hours=2))


def partner_never_answers(hub, clock):
    """The housing partner answers neither the referral nor either reminder."""
    hub.resolve([Need.HOUSING])
    clock.advance(timedelta(hours=96))


def review_passes_unanswered(hub, clock):
    """A supervisor kept the referral open until a review; the review comes and the partner is still silent."""
    partner_never_answers(hub, clock)
    hub.sweep()
    referral_id = hub.events()[-1].data.referral_id
    review_at = clock.now() + timedelta(days=3)
    kept = hub.resolve_referral(referral_id, action="keep_open", reason="waiting_list", review_at=review_at.isoformat())
    assert kept.status_code == 200
    clock.advance(timedelta(days=3))


@pytest.mark.parametrize(
    ("walk", "escalation", "reason"),
    [
        (handoff_deadline_passes, "handoff.escalated", "not_accepted_in_time"),
        (facility_silent_after_accepting, "handoff.escalated", "not_completed_in_time"),
        (partner_never_answers, "referral.escalated", "reminders_unanswered"),
        (review_passes_unanswered, "referral.escalated", "unanswered_at_review"),
    ],
)
def test_owner_disappears_or_deadline_passes_escalates_with_the_reason_once(hub, clock, walk, escalation, reason):
    walk(hub, clock)
    escalated = [event for event in hub.sweep() if event.type == f"continuum.{escalation}.v1"]
    assert [event.data.reason for event in escalated] == [reason]
    assert hub.sweep() == [], "once, until a human acts"
    queue = hub.escalations()
    assert len(queue["handoffs"] if escalation.startswith("handoff") else queue["referrals"]) == 1


def open_handoff(hub, clock):
    hub.move(hub.reserve(), "accept", RESPITE)


def open_referral(hub, clock):
    hub.resolve([Need.HOUSING])


def escalated_referral(hub, clock):
    partner_never_answers(hub, clock)
    hub.sweep()


@pytest.mark.parametrize(
    ("walk", "closure", "outcome", "field", "value"),
    [
        (open_handoff, ClosureReason.PLAN_COMPLETE, "handoff.cancelled", "reason", "episode_closed"),
        (
            open_referral,
            ClosureReason.DECLINED_FURTHER_CONTACT,
            "referral.closed",
            "reason",
            "declined_further_contact",
        ),
        (open_referral, ClosureReason.PLAN_COMPLETE, "referral.handed_on", "owner", HOUSING),
        (
            escalated_referral,
            ClosureReason.QUIET_PERIOD_ELAPSED,
            "referral.handed_on",
            "owner",
            "county-care-coordination",
        ),
        (
            escalated_referral,
            ClosureReason.DECLINED_FURTHER_CONTACT,
            "referral.closed",
            "reason",
            "declined_further_contact",
        ),
    ],
)
def test_episode_closure_cancels_or_hands_on_each_live_obligation(hub, clock, walk, closure, outcome, field, value):
    walk(hub, clock)
    hub.deliver(EpisodeClosedV1(reason=closure))
    [ended] = [event for event in hub.events() if event.type == f"continuum.{outcome}.v1"]
    assert getattr(ended.data, field) == value
    hub.deliver(EpisodeClosedV1(reason=closure))
    assert hub.types().count(outcome) == 1
