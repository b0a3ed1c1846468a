"""A supervisor resolves a handoff's escalation on the board: ``cancelled`` cancels the handoff (the sender finds
another way, the episode may close); any other resolution keeps it open with a new window, and it escalates again
if the partner still does not move it. A resolution that comes after the partner moved it changes nothing."""

from datetime import timedelta

import pytest
from continuum_contracts.events import EscalationResolvedV1
from continuum_contracts.vocabulary import EscalationKind

RESPITE = "peer-respite-east"


def resolved(escalation, resolution, kind=EscalationKind.HANDOFF_NOT_ACCEPTED):
    return EscalationResolvedV1(escalation_id=escalation.id, kind=kind, by="supervisor-1", resolution=resolution)


def unaccepted(hub, clock):
    """A handoff to the respite that nobody accepted in time: its escalation."""
    handoff_id = hub.reserve()
    clock.advance(timedelta(minutes=31))
    [escalation] = hub.sweep()
    assert escalation.data.reason == "not_accepted_in_time"
    return handoff_id, escalation


def stalled(hub, clock):
    """A handoff the respite accepted and then went silent on: its escalation."""
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    clock.advance(timedelta(hours=3))
    [escalation] = hub.sweep()
    assert escalation.data.reason == "not_completed_in_time"
    return handoff_id, escalation


@pytest.mark.parametrize(
    ("escalated", "kind"),
    [(unaccepted, EscalationKind.HANDOFF_NOT_ACCEPTED), (stalled, EscalationKind.HANDOFF_STALLED)],
    ids=["not_accepted", "stalled"],
)
def test_a_supervisor_cancelling_the_escalated_handoff_cancels_it_once(hub, clock, escalated, kind):
    handoff_id, escalation = escalated(hub, clock)
    hub.deliver(resolved(escalation, "cancelled", kind))
    assert hub.handoff(handoff_id)["status"] == "cancelled"
    cancelled = hub.events()[-1]
    assert cancelled.type == "continuum.handoff.cancelled.v1"
    assert (cancelled.data.handoff_id, cancelled.data.reason) == (handoff_id, "cancelled_by_supervisor")
    hub.deliver(resolved(escalation, "cancelled", kind))  # the board's event redelivered
    assert hub.types().count("handoff.cancelled") == 1
    assert hub.move(handoff_id, "accept", RESPITE).status_code == 409, "a cancelled handoff cannot be taken up"


def test_a_handoff_kept_open_gets_a_new_window_and_escalates_again_if_still_not_accepted(hub, clock):
    handoff_id, escalation = unaccepted(hub, clock)
    hub.deliver(resolved(escalation, "handled"))
    assert hub.handoff(handoff_id)["status"] == "requested"
    clock.advance(timedelta(minutes=29))
    assert hub.sweep() == []
    clock.advance(timedelta(minutes=1))
    [again] = hub.sweep()
    assert again.type == "continuum.handoff.escalated.v1" and again.id != escalation.id
    assert again.data.handoff_id == handoff_id
    hub.deliver(resolved(again, "cancelled"))  # the second escalation is the one that now finds the handoff
    assert hub.handoff(handoff_id)["status"] == "cancelled"


def test_a_stalled_handoff_kept_open_escalates_again_after_a_new_completion_window(hub, clock):
    handoff_id, escalation = stalled(hub, clock)
    hub.deliver(resolved(escalation, "handled", EscalationKind.HANDOFF_STALLED))
    assert hub.sweep() == []
    clock.advance(timedelta(minutes=120))
    [again] = hub.sweep()
    assert (again.data.handoff_id, again.data.reason) == (handoff_id, "not_completed_in_time")


def test_a_resolution_after_the_partner_moved_the_handoff_changes_nothing(hub, clock):
    handoff_id, escalation = unaccepted(hub, clock)
    hub.move(handoff_id, "accept", RESPITE)
    before = hub.types()
    hub.deliver(resolved(escalation, "cancelled"))
    assert hub.handoff(handoff_id)["status"] == "accepted" and hub.types() == before


def test_a_resolution_naming_no_handoff_escalation_of_ours_changes_nothing(hub, clock):
    handoff_id, escalation = unaccepted(hub, clock)
    other = EscalationResolvedV1(
        escalation_id="0" * 26, kind=EscalationKind.HANDOFF_NOT_ACCEPTED, by="supervisor-1", resolution="cancelled"
    )
    hub.deliver(other)
    assert hub.handoff(handoff_id)["status"] == "requested"
