"""Triage rules as data: the default least-restrictive rules, a county's own file, and errors that say where."""

import pytest
from continuum_contracts.vocabulary import Channel, Need, ResponseType, SafetyFlag, Stage
from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings
from continuum_intake.rulebook import TriageRulesError, load_rules, parse_rules
from continuum_intake.triage import Situation, triage
from continuum_kit.testing import outbox

DEFAULT = load_rules(None)


def decide(channel: Channel, flags=(), needs=(), stage: Stage | None = None):
    return triage(DEFAULT, Situation(channel, frozenset(flags), frozenset(needs), stage))


def test_warmline_caller_without_risk_gets_peer_support_and_no_police():
    decision = decide(Channel.WARMLINE_CALL, needs=[Need.MENTAL_HEALTH])
    assert decision.recommended_response is ResponseType.PEER_SUPPORT and decision.acuity == "routine"
    assert decision.stage is Stage.SUB_ACUTE and not decision.police_required
    assert decision.reasons == ["peer_support_on_warmline"]


def test_acute_911_call_without_risk_gets_mobile_team_not_police():
    decision = decide(Channel.TRANSFER_911, needs=[Need.MENTAL_HEALTH])
    assert decision.recommended_response is ResponseType.MOBILE_TEAM and not decision.police_required
    assert (decision.stage, decision.acuity, decision.reasons) == (Stage.ACUTE, "urgent", ["mobile_team_by_default"])


def test_a_weapon_alone_brings_co_response_not_police_alone():
    decision = decide(Channel.TRANSFER_911, flags=[SafetyFlag.WEAPON])
    assert decision.recommended_response is ResponseType.CO_RESPONSE and decision.police_required
    assert decision.reasons == ["co_response_for_weapon_or_means", "weapon"]


def test_violence_in_progress_needs_police():
    decision = decide(Channel.TRANSFER_911, flags=[SafetyFlag.VIOLENCE_IN_PROGRESS, SafetyFlag.WEAPON])
    assert decision.recommended_response is ResponseType.POLICE and decision.acuity == "emergent"
    assert decision.reasons == ["police_for_violence_in_progress", "violence_in_progress"]


def test_medical_emergency_goes_to_ems_first():
    decision = decide(Channel.CRISIS_LINE_CALL, flags=[SafetyFlag.MEDICAL_EMERGENCY, SafetyFlag.VIOLENCE_IN_PROGRESS])
    assert decision.recommended_response is ResponseType.EMS and not decision.police_required


def test_warmline_caller_at_risk_or_acute_is_not_left_with_a_peer_line():
    at_risk = decide(Channel.WARMLINE_TEXT, flags=[SafetyFlag.IMMINENT_RISK_WITH_MEANS])
    assert at_risk.recommended_response is ResponseType.CO_RESPONSE
    acute = decide(Channel.WARMLINE_CALL, stage=Stage.ACUTE)
    assert acute.recommended_response is ResponseType.MOBILE_TEAM


COUNTY_RULES = """
rules:
  - id: housing_navigator
    when: {channels: [311_request], needs_any: [housing, basic_needs], no_safety_flags: true}
    then: {response: peer_support, acuity: routine, police_required: false, stage: sub_acute}
  - id: anything_else
    when: {}
    then: {response: mobile_team, acuity: urgent, police_required: false, stage: acute}
"""


def test_county_rules_file_changes_the_recommendation(client_for, engine, partner, tmp_path, admin):
    rules = tmp_path / "county-rules.yaml"
    rules.write_text(COUNTY_RULES)
    county = client_for(IntakeSettings(admin_token="x" * 20, triage_rules_path=rules))
    body = {"service_request_id": "SR-1", "service_code": "HOMELESS_CONCERN", "needs": ["housing"]}
    registered = county.post(
        "/v1/admin/partners",
        json={"partner_id": "county-311", "secret": "s" * 30, "channels": ["311_request"]},
        headers={"Authorization": "Bearer " + "x" * 20},
    )
    assert registered.status_code == 201
    response = county.post("/v1/contacts/311", json=body, auth=("county-311", "s" * 30))
    assert response.status_code == 201
    triage_out = response.json()["triage"]
    assert triage_out["recommended_response"] == "peer_support"
    assert triage_out["reasons"] == ["housing_navigator", "housing"]
    assert outbox(engine)[-1].data.recommended_response == "peer_support"


EMS = "then: {response: ems, acuity: urgent, police_required: false}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"rules:\n  - {{id: r1, when: {{chanels: [walk_in]}}, {EMS}}}",
            "rule 'r1' (rules[0]) field when.chanels",
        ),
        (
            "rules:\n  - {id: r1, then: {response: ems, acuity: urgent, police_required: false}}\n"
            "  - {id: r2, then: {response: helicopter, acuity: urgent, police_required: false}}",
            "rule 'r2' (rules[1]) field then.response",
        ),
        (
            f"rules:\n  - {{id: r1, when: {{any_safety_flags: [knife]}}, {EMS}}}",
            "rule 'r1' (rules[0]) field when.any_safety_flags[0]",
        ),
        (
            f"rules:\n  - {{id: r1, when: {{channels: [walk_in]}}, {EMS}}}",
            "the last rule ('r1') must have an empty 'when'",
        ),
        (
            "rules:\n  - {id: r1, then: {response: ems, acuity: urgent}}",
            "rule 'r1' (rules[0]) field then.police_required",
        ),
        ("rules: [", "not valid YAML"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_rule_and_field(text, expected):
    with pytest.raises(TriageRulesError) as failure:
        parse_rules(text, "county.yaml")
    assert expected in str(failure.value) and str(failure.value).startswith("county.yaml")


def test_the_service_does_not_start_with_a_bad_rules_file(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("rules:\n  - {id: only, then: {response: nobody, acuity: urgent, police_required: false}}\n")
    with pytest.raises(TriageRulesError, match="rule 'only'"):
        create_app(IntakeSettings(triage_rules_path=bad, data_dir=tmp_path))
    with pytest.raises(TriageRulesError, match="cannot read"):
        create_app(IntakeSettings(triage_rules_path=tmp_path / "missing.yaml", data_dir=tmp_path))
