"""The backup a safety change sends is an obligation like any response: its owner (the backup team) and its
target are watched, and a supervisor hears when the owner is missing or silent or the target passes."""

from datetime import timedelta

from continuum_contracts.vocabulary import Channel

SECOND_CO_RESPONDER = {
    "responder_id": "co-responder-2",
    "kind": "co_responder",
    "members": [{"member_id": "cr2-clinician", "role": "clinician"}, {"member_id": "cr2-officer", "role": "officer"}],
    "latitude": 45.50,
    "longitude": -122.65,
    "coverage_areas": [],
    "hours": [],
}


def backup_sent(desk, client, register) -> tuple[str, dict]:
    """A team on scene reports a weapon; the co-response backup's assignment."""
    team = desk.assigned(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK", area="central")
    for status in ("acknowledged", "en_route", "on_scene"):
        desk.update(team["response_id"], status)
    body = {"change": "weapon", "reason": "knife_seen"}
    answer = client.post(f"/v1/responses/{team['response_id']}/safety", json=body, auth=register("mobile-team-1"))
    assert answer.status_code == 201, answer.text
    return team["response_id"], desk.response(answer.json()["backup_response_id"])


def test_a_silent_backup_is_escalated_when_no_other_co_responder_can_take_it(desk, client, register, clock, settings):
    on_scene, backup = backup_sent(desk, client, register)
    assert backup["acknowledge_due"] is not None and backup["target_due"] is not None
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.escalated"]
    escalated = emitted[0].data
    assert (escalated.reason, str(escalated.response_id)) == ("not_acknowledged", backup["response_id"])
    assert desk.response(backup["response_id"])["status"] == "assigned", "a late backup is better than none"
    assert desk.response(on_scene)["status"] == "on_scene"


def test_a_silent_backup_is_replaced_and_the_replacement_still_backs_up_the_team(
    desk, client, register, clock, settings, admin
):
    assert client.post("/v1/responders", json=SECOND_CO_RESPONDER, headers=admin).status_code == 201
    on_scene, backup = backup_sent(desk, client, register)
    clock.advance(timedelta(seconds=settings.acknowledge_timeout_seconds))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.assigned", "response.replaced"]
    replacement, replaced = emitted[0].data, emitted[1].data
    assert (str(replaced.response_id), replaced.replaced_by) == (backup["response_id"], replacement.response_id)
    assert str(replacement.replaces) == backup["response_id"] and replacement.reason == "not_acknowledged"
    assert str(replacement.backs_up) == on_scene and replacement.responder_id != backup["responder_id"]
    assert desk.response(backup["response_id"])["status"] == "replaced"


def test_a_backup_past_its_target_is_escalated_once(desk, client, register, clock):
    _, backup = backup_sent(desk, client, register)
    desk.update(backup["response_id"], "en_route")  # on its way: late, not silent
    clock.advance(timedelta(minutes=backup["target_minutes"]))
    emitted = desk.sweep()
    assert desk.kinds(emitted) == ["response.escalated"]
    escalated = emitted[0].data
    assert (escalated.reason, str(escalated.response_id)) == ("target_missed", backup["response_id"])
    assert desk.sweep() == []


def test_a_backup_nobody_can_own_is_escalated_at_once(desk, client, register):
    desk.set_status("co-responder-1", "offline")
    desk.set_status("police-dispatch", "offline")
    team = desk.assigned(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK")
    desk.update(team["response_id"], "on_scene")
    body = {"change": "violence_in_progress", "reason": "fight"}
    before = len(desk.events())
    client.post(f"/v1/responses/{team['response_id']}/safety", json=body, auth=register("mobile-team-1"))
    escalated = [e.data for e in desk.events()[before:] if e.type == "continuum.response.escalated.v1"]
    assert [(e.reason, e.response_type, str(e.response_id)) for e in escalated] == [
        ("no_responder_available", "police", team["response_id"])
    ]
