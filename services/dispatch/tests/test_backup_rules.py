"""The backup rule table: the least restrictive backup for each safety change, and what a peer steps back from."""

import pytest
from continuum_contracts.vocabulary import ResponseType, SafetyFlag
from continuum_dispatch.backup_rules import (
    Backup,
    backup_for,
    change_reason,
    may_report,
    peer_task_allowed_after_step_back,
)
from continuum_dispatch.domain import OUTSIDE_PEER_ROLE, ResponseStatus

MOBILE, CO, PEER = ResponseType.MOBILE_TEAM, ResponseType.CO_RESPONSE, ResponseType.PEER_SUPPORT
POLICE, EMS = Backup(ResponseType.POLICE, True), Backup(ResponseType.EMS, False)
CO_RESPONSE = Backup(ResponseType.CO_RESPONSE, True)


@pytest.mark.parametrize(
    ("change", "on_scene", "runs_co_response", "backup"),
    [
        (SafetyFlag.MEDICAL_EMERGENCY, MOBILE, True, EMS),
        (SafetyFlag.MEDICAL_EMERGENCY, CO, True, EMS),
        (SafetyFlag.MEDICAL_EMERGENCY, PEER, False, EMS),
        (SafetyFlag.VIOLENCE_IN_PROGRESS, MOBILE, True, POLICE),
        (SafetyFlag.VIOLENCE_IN_PROGRESS, CO, True, POLICE),
        (SafetyFlag.WEAPON, MOBILE, True, CO_RESPONSE),
        (SafetyFlag.WEAPON, PEER, True, CO_RESPONSE),
        (SafetyFlag.WEAPON, MOBILE, False, POLICE),
        (SafetyFlag.WEAPON, CO, True, POLICE),
        (SafetyFlag.IMMINENT_RISK_WITH_MEANS, MOBILE, True, CO_RESPONSE),
        (SafetyFlag.IMMINENT_RISK_WITH_MEANS, CO, True, POLICE),
    ],
)
def test_the_least_restrictive_backup_meets_the_change(change, on_scene, runs_co_response, backup):
    assert backup_for(change, on_scene, runs_co_response) == backup


def test_a_medical_emergency_never_brings_police():
    for on_scene in ResponseType:
        for runs in (True, False):
            assert backup_for(SafetyFlag.MEDICAL_EMERGENCY, on_scene, runs).police_involved is False


def test_the_reason_names_the_change_as_a_code():
    assert change_reason(SafetyFlag.WEAPON) == "safety_change_weapon"
    assert change_reason(SafetyFlag.VIOLENCE_IN_PROGRESS) == "safety_change_violence_in_progress"


def test_a_team_reports_on_the_way_or_on_scene_only():
    allowed = {s for s in ResponseStatus if may_report(s)}
    assert allowed == {ResponseStatus.EN_ROUTE, ResponseStatus.ON_SCENE}


def test_a_peer_who_stepped_back_takes_no_coercive_task_but_keeps_the_peer_role():
    for task in ("restraint", "scene_control", "weapon_removal", "transport", *OUTSIDE_PEER_ROLE):
        assert not peer_task_allowed_after_step_back("peer", task)
        assert peer_task_allowed_after_step_back("clinician", task)
    for task in ("safety_planning", "warm_handoff", "support_family"):
        assert peer_task_allowed_after_step_back("peer", task)
