"""The obligation rule for dispatch's obligations: a response and a bed hold each have an owner and a deadline,
and when the owner disappears or the deadline passes, an event with the reason says what happened.

- response, owner disappears: its team set offline, replaced (team_offline) or, nobody free, escalated
  (team_dropped_out); its team silent after acknowledging, replaced (no_update_after_acknowledgement); its
  episode closed under it, cancelled (episode_closed).
- response, deadline passes: not acknowledged, replaced (not_acknowledged); target missed, escalated
  (target_missed).
- bed hold, owner disappears: its episode closed, released (episode_closed); deadline passes: released
  (hold_expired).
"""

from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.testing import unit_of_work


def owned(desk, episode_id=None) -> dict:
    """A response owned by mobile-team-1, with mobile-team-2 free to take it over."""
    return desk.assigned(area="central", at=desk.near("mobile-team-1"), episode_id=episode_id)


def outcome(emitted: list[Envelope], kind: str) -> tuple[str, str]:
    [event] = [e for e in emitted if e.type == f"continuum.{kind}.v1"]
    return kind, event.data.reason


def close_episode(desk, episode_id) -> list[Envelope]:
    reason = ClosureReason.DECLINED_FURTHER_CONTACT
    closed = Envelope.new(EpisodeClosedV1(reason=reason), episode_id=episode_id, source="/continuum/followup")
    with unit_of_work(desk.engine, desk.clock) as uow:
        desk.handlers[EpisodeClosedV1](uow, closed)
        uow.commit()
        return uow.emitted


def test_response_owner_goes_offline_it_is_replaced(desk):
    response = owned(desk)
    desk.update(response["response_id"], "acknowledged")
    before = len(desk.events())
    desk.set_status("mobile-team-1", "offline")
    assert outcome(desk.events()[before:], "response.replaced") == ("response.replaced", "team_offline")


def test_response_owner_goes_offline_with_nobody_to_take_over_it_is_escalated(desk):
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    owned(desk)
    before = len(desk.events())
    desk.set_status("mobile-team-1", "offline")
    assert outcome(desk.events()[before:], "response.escalated") == ("response.escalated", "team_dropped_out")


def test_response_owner_silent_after_acknowledging_it_is_replaced(desk, clock, settings):
    response = owned(desk)
    desk.update(response["response_id"], "acknowledged")
    clock.advance(timedelta(seconds=settings.progress_timeout_seconds))
    assert outcome(desk.sweep(), "response.replaced") == ("response.replaced", "no_update_after_acknowledgement")


def test_response_not_acknowledged_by_its_deadline_it_is_replaced(desk, clock, settings):
    owned(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    assert outcome(desk.sweep(), "response.replaced") == ("response.replaced", "not_acknowledged")


def test_response_past_its_target_it_is_escalated(desk, clock):
    response = owned(desk)
    desk.update(response["response_id"], "en_route")
    clock.advance(timedelta(minutes=60))
    assert outcome(desk.sweep(), "response.escalated") == ("response.escalated", "target_missed")


def test_response_whose_episode_closes_it_is_cancelled(desk):
    episode_id = uuid4()
    response = owned(desk, episode_id)
    desk.update(response["response_id"], "on_scene")
    assert outcome(close_episode(desk, episode_id), "response.cancelled") == ("response.cancelled", "episode_closed")


@pytest.fixture
def bed_hold(desk) -> tuple:
    episode_id = uuid4()
    response = owned(desk, episode_id)
    desk.update(response["response_id"], "resolved", disposition="transported_to_stabilization")
    return episode_id, desk.events()[-1].data


def test_bed_hold_past_its_deadline_it_is_released(desk, clock, settings, bed_hold):
    clock.advance(timedelta(minutes=settings.reservation_hold_minutes))
    assert outcome(desk.sweep(), "placement.released") == ("placement.released", "hold_expired")


def test_bed_hold_whose_episode_closes_it_is_released(desk, bed_hold):
    episode_id, _ = bed_hold
    assert outcome(close_episode(desk, episode_id), "placement.released") == ("placement.released", "episode_closed")
