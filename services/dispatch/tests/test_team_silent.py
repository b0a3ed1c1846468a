"""A team that acknowledged and then stopped answering is replaced when its progress is due."""

from datetime import datetime, timedelta


def send_team(desk) -> dict:
    """A central incident (target 60 min) at mobile-team-1's base: mobile-team-1 goes, mobile-team-2 is next."""
    return desk.assigned(area="central", at=desk.near("mobile-team-1"))


def timeout(settings) -> timedelta:
    return timedelta(seconds=settings.progress_timeout_seconds)


def test_progress_timeout_is_ten_minutes_by_default(settings):
    assert settings.progress_timeout_seconds == 600


def test_team_silent_after_acknowledging_is_replaced_after_the_progress_timeout(desk, clock, settings):
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    due = desk.response(first["response_id"])["progress_due"]
    assert datetime.fromisoformat(due) == clock.now() + timeout(settings)
    clock.advance(timeout(settings) - timedelta(seconds=1))
    assert desk.sweep() == []
    clock.advance(timedelta(seconds=1))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    assigned, replaced = emitted[0].data, emitted[1].data
    assert assigned.reason == "no_update_after_acknowledgement" and str(assigned.replaces) == first["response_id"]
    assert (replaced.reason, replaced.responder_id, replaced.replacement_responder_id) == (
        "no_update_after_acknowledgement",
        "mobile-team-1",
        "mobile-team-2",
    )
    assert desk.response(first["response_id"])["status"] == "replaced"
    team = desk.responder("mobile-team-1")
    assert team["status"] == "available" and team["active_responses"] == 0
    assert desk.sweep() == [], "replaced once"


def test_team_that_goes_en_route_in_time_is_not_replaced(desk, clock, settings):
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    clock.advance(timeout(settings) - timedelta(seconds=1))
    desk.update(first["response_id"], "en_route")
    clock.advance(timedelta(minutes=5))
    assert desk.sweep() == []
    assert desk.response(first["response_id"])["status"] == "en_route"


def test_en_route_team_is_expected_by_its_target_then_replaced_one_timeout_later(desk, clock, settings):
    first = send_team(desk)
    desk.update(first["response_id"], "en_route")
    view = desk.response(first["response_id"])
    due, target = datetime.fromisoformat(view["progress_due"]), datetime.fromisoformat(view["target_due"])
    assert due == target + timeout(settings), "its target is later than its ETA"
    clock.advance(timedelta(hours=1))
    assert [e.data.reason for e in desk.sweep()] == ["target_missed"], "a supervisor hears first"
    clock.advance(timeout(settings))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    assert emitted[1].data.reason == "no_update_after_acknowledgement"


def test_en_route_team_with_a_long_drive_is_expected_by_its_eta(desk, clock, settings):
    far = desk.assigned(area="outer", at=(45.10, -123.30))  # outer: a two-hour target
    desk.update(far["response_id"], "en_route")
    due = datetime.fromisoformat(desk.response(far["response_id"])["progress_due"])
    target = datetime.fromisoformat(desk.response(far["response_id"])["target_due"])
    eta_due = clock.now() + timedelta(minutes=far["eta_minutes"])
    assert due == max(target, eta_due) + timeout(settings)


def test_team_on_scene_has_no_progress_timer(desk, clock):
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    desk.update(first["response_id"], "on_scene")
    assert desk.response(first["response_id"])["progress_due"] is None
    clock.advance(timedelta(hours=4))
    assert desk.sweep() == []


def test_silent_team_nobody_can_relieve_keeps_the_call_and_a_supervisor_is_told(desk, clock, settings):
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    clock.advance(timeout(settings))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.escalated"]
    assert emitted[0].data.reason == "no_responder_available"
    assert str(emitted[0].data.response_id) == first["response_id"]
    assert desk.response(first["response_id"])["status"] == "acknowledged"
    clock.advance(timeout(settings))
    assert desk.sweep() == [], "told once"
    assert desk.update(first["response_id"], "en_route").status_code == 200, "a late team may still answer"


def test_replacement_of_a_silent_team_that_cannot_make_the_time_left_escalates_at_once(desk, clock, settings):
    first = send_team(desk)
    desk.update(first["response_id"], "acknowledged")
    clock.advance(timedelta(minutes=50))  # swept late: ten minutes of the target left
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.escalated", "response.replaced"]
    assigned, escalated = emitted[0].data, emitted[1].data
    assert escalated.reason == "no_team_meets_target" and escalated.response_id == assigned.response_id
    assert escalated.gap_minutes == assigned.eta_minutes - 10
