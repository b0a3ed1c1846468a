"""Warm handoffs as FHIR Tasks: the addressed partner receives, accepts, starts, completes or declines them."""

from datetime import timedelta

import pytest
from continuum_contracts.events import EpisodeClosedV1, PlacementReleasedV1
from continuum_contracts.vocabulary import ClosureReason, PlaceType
from continuum_handoff.config import HandoffSettings

from .conftest import ADMIN_TOKEN

RESPITE = "peer-respite-east"


def test_full_path_received_accepted_in_progress_completed(hub):
    handoff_id = hub.reserve()
    moves = ("receive", "accept", "start", "complete")
    statuses = [hub.move(handoff_id, verb, RESPITE).json()["status"] for verb in moves]
    assert statuses == ["received", "accepted", "in-progress", "completed"]
    shown = hub.handoff(handoff_id)
    assert shown["received_at"] and shown["accepted_at"] and shown["started_at"] and shown["completed_at"]
    assert hub.types() == [
        "handoff.requested",
        "handoff.received",
        "handoff.accepted",
        "handoff.started",
        "handoff.completed",
    ]
    received, started = hub.events()[1].data, hub.events()[3].data
    assert (received.received_by, received.status) == (RESPITE, "received")
    assert (started.started_by, started.status) == (RESPITE, "in-progress")
    assert hub.move(handoff_id, "complete", RESPITE).status_code == 200
    assert len(hub.events()) == 5, "repeats are harmless and publish nothing"


def test_released_bed_cancels_its_open_handoff(hub):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    reservation = hub.reservations[-1]
    hub.deliver(
        PlacementReleasedV1(
            reservation_id=reservation, place_id=RESPITE, place_type=PlaceType.PEER_RESPITE, reason="hold_expired"
        )
    )
    shown = hub.handoff(handoff_id)
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "placement_released")
    cancelled = hub.events()[-1]
    assert cancelled.type == "continuum.handoff.cancelled.v1"
    assert (cancelled.data.handoff_id, cancelled.data.reason) == (handoff_id, "placement_released")
    late = hub.move(handoff_id, "complete", RESPITE)
    assert late.status_code == 409 and late.json()["detail"]["current_status"] == "cancelled"


def test_closing_the_episode_cancels_open_handoffs_only(hub):
    done = hub.reserve()
    hub.move(done, "accept", RESPITE)
    hub.move(done, "complete", RESPITE)
    waiting = hub.reserve(PlaceType.STABILIZATION_UNIT, place_id="stabilization-central")
    hub.deliver(EpisodeClosedV1(reason=ClosureReason.PLAN_COMPLETE))
    assert hub.handoff(done)["status"] == "completed"
    assert (hub.handoff(waiting)["status"], hub.handoff(waiting)["cancel_reason"]) == ("cancelled", "episode_closed")
    assert hub.types().count("handoff.cancelled") == 1
    hub.deliver(EpisodeClosedV1(reason=ClosureReason.PLAN_COMPLETE))
    assert hub.types().count("handoff.cancelled") == 1, "nothing left to cancel"


@pytest.mark.parametrize(
    ("place_type", "kind"),
    [(PlaceType.STABILIZATION_UNIT, "team_to_stabilization_unit"), (PlaceType.PEER_RESPITE, "team_to_peer_respite")],
)
def test_reserved_place_requests_a_team_to_place_handoff_with_an_accept_by(hub, clock, place_type, kind):
    handoff_id = hub.reserve(place_type)
    [requested] = hub.events()
    assert (requested.data.kind, requested.data.accept_by) == (kind, clock.now() + timedelta(minutes=30))
    assert hub.handoff(handoff_id)["kind"] == kind


def test_declined_handoff_records_reason_and_status_rejected(hub):
    handoff_id = hub.reserve()
    declined = hub.move(handoff_id, "decline", RESPITE, reason="no_capacity")
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("rejected", "no_capacity")
    event = hub.events()[-1]
    assert event.type == "continuum.handoff.declined.v1"
    assert (event.data.declined_by, event.data.reason, event.data.status) == (RESPITE, "no_capacity", "rejected")
    assert hub.move(handoff_id, "decline", RESPITE, reason="no_capacity").status_code == 200
    late = hub.move(handoff_id, "accept", RESPITE)
    assert late.status_code == 409 and late.json()["detail"]["current_status"] == "rejected"
    assert hub.types().count("handoff.declined") == 1


def test_decline_needs_a_reason_code(hub):
    handoff_id = hub.reserve()
    assert hub.move(handoff_id, "decline", RESPITE).status_code == 422
    assert hub.move(handoff_id, "decline", RESPITE, reason="they seemed difficult").status_code == 422


def test_accepted_handoff_can_no_longer_be_declined_or_received(hub):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    for verb, body in (("decline", {"reason": "no_capacity"}), ("receive", {})):
        refused = hub.move(handoff_id, verb, RESPITE, **body)
        assert refused.status_code == 409 and refused.json()["detail"]["current_status"] == "accepted"


def test_start_before_accept_conflicts(hub):
    handoff_id = hub.reserve()
    refused = hub.move(handoff_id, "start", RESPITE)
    assert refused.status_code == 409
    assert refused.json()["detail"] == {"message": "accept first", "current_status": "requested"}


def test_repeat_receive_and_start_are_harmless(hub):
    handoff_id = hub.reserve()
    assert hub.move(handoff_id, "receive", RESPITE).json() == hub.move(handoff_id, "receive", RESPITE).json()
    hub.move(handoff_id, "accept", RESPITE)
    assert hub.move(handoff_id, "start", RESPITE).json() == hub.move(handoff_id, "start", RESPITE).json()


@pytest.mark.parametrize(("verb", "body"), [("receive", {}), ("accept", {}), ("decline", {"reason": "no_capacity"})])
def test_partner_acting_on_someone_elses_handoff_gets_403_and_nothing_changes(hub, verb, body):
    handoff_id = hub.reserve()
    before = hub.handoff(handoff_id)
    refused = hub.move(handoff_id, verb, "other-respite", **body)
    assert refused.status_code == 403
    assert refused.json()["detail"]["addressed_to"] == RESPITE and RESPITE in refused.json()["detail"]["message"]
    assert hub.handoff(handoff_id) == before and hub.types() == ["handoff.requested"]


def test_handoff_not_accepted_in_time_escalates_once(hub, clock):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "receive", RESPITE)
    clock.advance(timedelta(minutes=29))
    assert hub.sweep() == []
    clock.advance(timedelta(minutes=2))
    [escalated] = hub.sweep()
    assert escalated.type == "continuum.handoff.escalated.v1" and escalated.subject == str(hub.episode)
    assert (escalated.data.handoff_id, escalated.data.to_party) == (handoff_id, RESPITE)
    assert (escalated.data.reason, escalated.data.waited_minutes) == ("not_accepted_in_time", 31)
    clock.advance(timedelta(hours=1))
    assert hub.sweep() == []
    assert hub.handoff(handoff_id)["escalated_at"] is not None
    assert hub.move(handoff_id, "accept", RESPITE).status_code == 200, "a late acceptance is still welcome"


def test_handoff_accepted_in_time_never_escalates_for_acceptance(hub, clock):
    handoff_id = hub.reserve()
    clock.advance(timedelta(minutes=10))
    hub.move(handoff_id, "accept", RESPITE)
    clock.advance(timedelta(minutes=119))
    assert hub.sweep() == [], "accepted in time, and still within its completion window"


@pytest.mark.parametrize("settings", [HandoffSettings(accept_within_minutes=0.5, admin_token=ADMIN_TOKEN)])
def test_acceptance_window_comes_from_settings_and_may_be_a_fraction_of_a_minute(hub, clock, settings):
    hub.reserve()
    assert hub.events()[0].data.accept_by == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    assert [event.type for event in hub.sweep()] == ["continuum.handoff.escalated.v1"]
