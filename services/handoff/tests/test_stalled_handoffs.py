"""A warm handoff whose receiving facility stops answering after accepting escalates once (not completed in
time), and stays visible until it is completed or cancelled."""

from datetime import timedelta

import pytest
from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import ClosureReason
from continuum_handoff.config import HandoffSettings

from .conftest import ADMIN_TOKEN

RESPITE = "peer-respite-east"


@pytest.mark.parametrize("moves", [("accept",), ("receive", "accept", "start")])
def test_an_accepted_handoff_not_completed_in_time_escalates_once(hub, clock, moves):
    handoff_id = hub.reserve()
    clock.advance(timedelta(minutes=5))
    for verb in moves:
        hub.move(handoff_id, verb, RESPITE)
    assert hub.handoff(handoff_id)["complete_by"] is not None
    clock.advance(timedelta(minutes=119))
    assert hub.sweep() == []
    clock.advance(timedelta(minutes=1))
    [escalated] = hub.sweep()
    assert escalated.type == "continuum.handoff.escalated.v1" and escalated.subject == str(hub.episode)
    assert (escalated.data.handoff_id, escalated.data.to_party) == (handoff_id, RESPITE)
    assert (escalated.data.reason, escalated.data.waited_minutes) == ("not_completed_in_time", 120)
    clock.advance(timedelta(hours=5))
    assert hub.sweep() == []
    assert hub.handoff(handoff_id)["stalled_at"] is not None
    assert [h["handoff_id"] for h in hub.escalations()["handoffs"]] == [str(handoff_id)]
    assert hub.move(handoff_id, "complete", RESPITE).status_code == 200, "a late completion is still welcome"
    assert hub.escalations()["handoffs"] == []


def test_a_stalled_handoff_leaves_the_queue_when_its_episode_closes(hub, clock):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    clock.advance(timedelta(hours=3))
    hub.sweep()
    hub.deliver(EpisodeClosedV1(reason=ClosureReason.PLAN_COMPLETE))
    assert hub.handoff(handoff_id)["status"] == "cancelled" and hub.escalations()["handoffs"] == []


def test_a_handoff_completed_in_time_never_stalls(hub, clock):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    clock.advance(timedelta(minutes=90))
    hub.move(handoff_id, "complete", RESPITE)
    clock.advance(timedelta(days=1))
    assert hub.sweep() == []


@pytest.mark.parametrize("settings", [HandoffSettings(complete_within_minutes=0.5, admin_token=ADMIN_TOKEN)])
def test_completion_window_comes_from_settings(hub, clock, settings):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", RESPITE)
    assert hub.handoff(handoff_id)["complete_by"] is not None
    clock.advance(timedelta(seconds=31))
    assert [event.data.reason for event in hub.sweep()] == ["not_completed_in_time"]
