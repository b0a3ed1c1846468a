"""An open warm handoff holds the episode open, as a live response does: the person is still being handed over.

A mobile team resolves its response and hands the person to a place, or an officer's diversion goes to care
navigation while the team's round runs: the check-ins can all be done before the receiving partner has completed
the handoff (or while it never answers). The episode closes when the handoff ends, never under it; the person's own
refusal still closes at once. Followup without a broker, on SQLite and PostgreSQL: events handed to the handlers,
what a peer sees through the API and the outbox.
"""

from datetime import timedelta
from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import (
    HandoffCancelledV1,
    HandoffCompletedV1,
    HandoffDeclinedV1,
    HandoffRequestedV1,
    PlacementReleasedV1,
    PlacementReservedV1,
    PlacementUnavailableV1,
    ResponseAssignedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import Disposition, PlaceType, ResponseType
from continuum_followup.config import FollowupSettings
from continuum_followup.timers import build_sweeps
from continuum_kit.testing import outbox, run_sweeps

from .conftest import deliver_to

EPISODE = uuid4()
CLOSED = "continuum.episode.closed.v1"
PLACE = "stabilization-north"


@pytest.fixture
def settings():
    return FollowupSettings(checkin_hours=[48], quiet_period_days=2, checkin_grace_hours=200)


deliver = partial(deliver_to, EPISODE)


def plan(client):
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def closures(engine):
    return [e.data.reason for e in outbox(engine) if e.type == CLOSED]


def team_round_done(engine, clock, client, settings, *before_resolution):
    """The team was sent and resolved its response (after the events given); the peer finished every check-in."""
    team = uuid4()
    deliver(
        engine,
        clock,
        settings,
        ResponseAssignedV1(
            response_id=team, response_type=ResponseType.MOBILE_TEAM, responder_id="mt-1", with_peer=True, eta_minutes=9
        ),
    )
    for payload in before_resolution:
        deliver(engine, clock, settings, payload)
    resolution = ResponseResolvedV1(response_id=team, responder_id="mt-1", disposition=Disposition.REFERRED)
    deliver(engine, clock, settings, resolution)
    for checkin in plan(client)["checkins"]:
        attempt = client.post(f"/v1/followups/{checkin['followup_id']}/attempts", json={"reached": True})
        assert attempt.status_code == 201, attempt.text


def requested(handoff_id, to_party="care-navigation"):
    return HandoffRequestedV1(handoff_id=handoff_id, from_party="police-county", to_party=to_party, kind="diversion")


def reserved(reservation_id, place_id=PLACE):
    return PlacementReservedV1(
        reservation_id=reservation_id,
        response_id=uuid4(),
        responder_id="mt-1",
        place_id=place_id,
        place_type=PlaceType.STABILIZATION_UNIT,
        hold_until="2030-01-01T00:00:00+00:00",
    )


def test_a_plan_completed_while_a_handoff_is_open_waits_for_it_and_closes_when_it_completes(
    engine, clock, client, settings
):
    handoff = uuid4()
    team_round_done(engine, clock, client, settings, requested(handoff))
    shown = plan(client)
    assert closures(engine) == []
    assert (shown["plan_status"], shown["closure_waiting"], shown["open_handoffs"]) == ("open", "plan_complete", 1)
    clock.advance(timedelta(days=30))  # the quiet period waits for it too
    run_sweeps(engine, clock, build_sweeps(settings))
    assert closures(engine) == []

    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=handoff))
    assert closures(engine) == ["plan_complete"]
    assert plan(client)["open_handoffs"] == 0
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=handoff))  # a redelivery closes nothing twice
    assert closures(engine) == ["plan_complete"]


@pytest.mark.parametrize(
    "end",
    [
        lambda handoff: HandoffDeclinedV1(handoff_id=handoff, declined_by="care-navigation", reason="no_capacity"),
        lambda handoff: HandoffCancelledV1(handoff_id=handoff, reason="cancelled_by_supervisor"),
    ],
    ids=["declined", "cancelled"],
)
def test_a_handoff_that_will_not_happen_lets_the_waiting_closure_happen(engine, clock, client, settings, end):
    handoff = uuid4()
    team_round_done(engine, clock, client, settings, requested(handoff))
    assert closures(engine) == []
    deliver(engine, clock, settings, end(handoff))
    assert closures(engine) == ["plan_complete"]
    deliver(engine, clock, settings, requested(handoff))  # a late redelivery of the request revives nothing
    assert plan(client)["open_handoffs"] == 0


def test_one_of_two_handoffs_ending_is_not_enough(engine, clock, client, settings):
    first, second = uuid4(), uuid4()
    team_round_done(engine, clock, client, settings, requested(first), requested(second, PLACE))
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=first))
    assert closures(engine) == [] and plan(client)["open_handoffs"] == 1
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=second))
    assert closures(engine) == ["plan_complete"]


def test_a_reserved_bed_holds_the_closure_until_its_handoff_is_requested_and_done(engine, clock, client, settings):
    reservation, handoff = uuid4(), uuid4()
    team_round_done(engine, clock, client, settings, reserved(reservation))
    assert closures(engine) == [] and plan(client)["open_handoffs"] == 1  # handoff has not requested it yet
    deliver(engine, clock, settings, requested(handoff, PLACE))
    assert closures(engine) == [] and plan(client)["open_handoffs"] == 1  # the request stands for the bed
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=handoff))
    assert closures(engine) == ["plan_complete"]


def test_a_bed_released_before_its_handoff_was_requested_waits_no_more(engine, clock, client, settings):
    reservation = uuid4()
    team_round_done(engine, clock, client, settings, reserved(reservation))
    assert closures(engine) == []
    released = PlacementReleasedV1(
        reservation_id=reservation, place_id=PLACE, place_type=PlaceType.STABILIZATION_UNIT, reason="hold_expired"
    )
    deliver(engine, clock, settings, released)
    assert closures(engine) == ["plan_complete"]


def test_the_persons_refusal_closes_at_once_even_with_a_handoff_open(engine, clock, client, settings):
    team_round_done(engine, clock, client, settings, requested(uuid4()))
    assert closures(engine) == []
    assert client.post(f"/v1/episodes/{EPISODE}/decline", json={}).status_code == 200
    assert closures(engine) == ["declined_further_contact"]


def place_declined(engine, clock, settings, handoff, reservation, place_id=PLACE):
    """The place declined the person's handoff, and dispatch gave the bed back."""
    deliver(engine, clock, settings, HandoffDeclinedV1(handoff_id=handoff, declined_by=place_id, reason="no_capacity"))
    released = PlacementReleasedV1(
        reservation_id=reservation,
        place_id=place_id,
        place_type=PlaceType.STABILIZATION_UNIT,
        reason="handoff_declined",
    )
    deliver(engine, clock, settings, released)


def test_a_place_declining_the_bed_holds_the_closure_until_the_next_place_has_the_person(
    engine, clock, client, settings
):
    first, handoff = uuid4(), uuid4()
    team_round_done(engine, clock, client, settings, reserved(first), requested(handoff, PLACE))
    place_declined(engine, clock, settings, handoff, first)
    assert closures(engine) == [] and plan(client)["open_handoffs"] == 1  # dispatch is finding another place
    deliver(engine, clock, settings, HandoffDeclinedV1(handoff_id=handoff, declined_by=PLACE, reason="no_capacity"))
    second, next_handoff = uuid4(), uuid4()
    deliver(engine, clock, settings, reserved(second, "stabilization-south"))
    deliver(engine, clock, settings, requested(next_handoff, "stabilization-south"))
    assert closures(engine) == [] and plan(client)["open_handoffs"] == 1
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=next_handoff))
    assert closures(engine) == ["plan_complete"]


def test_no_other_place_for_a_declined_bed_leaves_it_to_the_supervisor_and_the_closure_goes_on(
    engine, clock, client, settings
):
    first, handoff = uuid4(), uuid4()
    team_round_done(engine, clock, client, settings, reserved(first), requested(handoff, PLACE))
    place_declined(engine, clock, settings, handoff, first)
    assert closures(engine) == []
    nowhere = PlacementUnavailableV1(
        response_id=uuid4(),
        responder_id="mt-1",
        place_type=PlaceType.STABILIZATION_UNIT,
        reason="declined_and_no_other_place",
        declined_by=PLACE,
    )
    deliver(engine, clock, settings, nowhere)
    assert closures(engine) == ["plan_complete"] and plan(client)["open_handoffs"] == 0
