"""Response timers: a silent team is replaced, a team late for the target is escalated, each exactly once."""

from datetime import datetime, timedelta

from continuum_contracts.vocabulary import Channel, ResponseType

HOUR = timedelta(hours=1)


def send_team(desk, **triage) -> dict:
    return desk.assigned(area="central", at=desk.near("mobile-team-1"), **triage)


def test_unacknowledged_team_is_replaced_after_timeout(desk, clock, settings):
    first = send_team(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds - 1))
    assert desk.sweep() == []
    clock.advance(timedelta(seconds=1))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    second, replaced = emitted[0].data, emitted[1].data
    assert str(second.replaces) == first["response_id"] and second.reason == "not_acknowledged"
    assert (str(replaced.response_id), replaced.responder_id, replaced.reason) == (
        first["response_id"],
        "mobile-team-1",
        "not_acknowledged",
    )
    assert (replaced.replaced_by, replaced.replacement_responder_id) == (second.response_id, "mobile-team-2")
    assert second.responder_id == "mobile-team-2" and second.target_minutes == 60
    assert desk.response(first["response_id"])["status"] == "replaced"
    team = desk.responder("mobile-team-1")
    assert team["status"] == "available" and team["active_responses"] == 0
    assert desk.sweep() == [], "a replaced response is not replaced twice"


def test_replaced_response_answers_409_with_its_status(desk, clock, settings):
    first = send_team(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    desk.sweep()
    answer = desk.update(first["response_id"], "acknowledged")
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "replaced"


def test_acknowledged_team_is_not_replaced(desk, clock, settings):
    first = send_team(desk)
    assert desk.update(first["response_id"], "acknowledged").status_code == 200
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds * 2))
    assert desk.sweep() == []
    assert desk.response(first["response_id"])["status"] == "acknowledged"


def test_silent_team_with_nobody_to_replace_it_keeps_the_call_and_is_escalated(desk, clock, settings):
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    first = send_team(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.escalated"]
    escalated = emitted[0].data
    assert escalated.reason == "not_acknowledged" and str(escalated.response_id) == first["response_id"]
    assert desk.response(first["response_id"])["status"] == "assigned"
    assert desk.update(first["response_id"], "acknowledged").status_code == 200, "a late team may still answer"
    assert desk.sweep() == []


def test_second_silent_team_is_replaced_by_a_third_never_the_first_again(desk, clock, settings):
    first = send_team(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    second = desk.sweep()[0].data
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    third = desk.sweep()[0].data
    teams = [first["responder_id"], second.responder_id, third.responder_id]
    assert teams == ["mobile-team-1", "mobile-team-2", "mobile-team-3"]
    assert third.replaces == second.response_id


def test_a_team_that_went_silent_on_the_episode_is_not_sent_again_when_the_person_comes_back(desk, clock, settings):
    """Mobile team 1 never answered this person's call and was replaced; when the person calls again, the nearest
    team is still mobile team 1, and it is left out: another team goes."""
    first = send_team(desk)
    episode_id = desk.response(first["response_id"])["episode_id"]
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    second = str(desk.sweep()[0].data.response_id)
    assert desk.update(second, "resolved", disposition="resolved_in_place").status_code == 200
    assert desk.responder("mobile-team-1")["status"] == "available"
    again = send_team(desk, episode_id=episode_id)
    assert again["responder_id"] != "mobile-team-1"
    other = send_team(desk)
    assert other["responder_id"] == "mobile-team-1", "on another person's call it is the nearest team again"


def test_response_not_on_scene_by_the_target_escalates_once(desk, clock):
    first = send_team(desk)
    desk.update(first["response_id"], "en_route")
    clock.advance(timedelta(minutes=59))
    assert desk.sweep() == []
    clock.advance(timedelta(minutes=1))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.escalated"]
    escalated = emitted[0].data
    assert escalated.reason == "target_missed" and str(escalated.response_id) == first["response_id"]
    assert escalated.target_minutes == 60 and escalated.area == "central"
    clock.advance(timedelta(minutes=5))  # within the progress timeout after the target: not yet replaced
    assert desk.sweep() == []


def test_team_on_scene_in_time_is_not_escalated(desk, clock):
    first = send_team(desk)
    desk.update(first["response_id"], "arrived")
    clock.advance(timedelta(hours=3))
    assert desk.sweep() == []
    assert desk.response(first["response_id"])["target_due"] is None


def test_replacement_keeps_the_first_assignments_target_time(desk, clock, settings):
    first = send_team(desk)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    second = desk.sweep()[0].data
    first_sent = datetime.fromisoformat(desk.response(first["response_id"])["assigned_at"])
    assert datetime.fromisoformat(desk.response(str(second.response_id))["target_due"]) == first_sent + HOUR
    desk.update(str(second.response_id), "en_route")
    clock.advance(HOUR - timedelta(seconds=settings.acknowledge_timeout_seconds))
    assert desk.kinds(desk.sweep()) == ["response.escalated"], "the person has waited since the first team was sent"


def test_warmline_peer_support_has_no_timers(desk, clock):
    desk.assigned(response=ResponseType.PEER_SUPPORT, channel=Channel.WARMLINE_TEXT)
    clock.advance(timedelta(hours=5))
    assert desk.sweep() == []
