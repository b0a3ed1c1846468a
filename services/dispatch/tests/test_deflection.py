"""Law-enforcement deflection: eligible 911/311 calls answered without police, and the county's report of them."""

from continuum_contracts.vocabulary import Channel, ResponseType, SafetyFlag


def call_911(desk, call_type="WELFARE_CHECK", program="911-diversion", **triage):
    return desk.triage(channel=Channel.TRANSFER_911, call_type=call_type, program=program, **triage)


def test_eligible_911_call_is_deflected_with_reason_and_counted_by_program(desk, client, admin):
    emitted = call_911(desk)
    assert desk.kinds(emitted) == ["response.assigned", "lawenforcement.deflected"]
    deflection = emitted[1].data
    assert deflection.reason == "eligible_call_type_no_safety_risk" and deflection.call_type == "WELFARE_CHECK"
    assert deflection.channel is Channel.TRANSFER_911 and deflection.response_id == emitted[0].data.response_id
    assert {e.subject for e in emitted} == {emitted[0].subject}
    call_911(desk, program="pre-arrest-diversion")
    call_911(desk, police_required=True, response=ResponseType.CO_RESPONSE, safety_flags=[SafetyFlag.WEAPON])

    report = client.get("/v1/reports/deflections", params={"by": "program"}, headers=admin).json()
    assert (report["eligible"], report["deflected"], report["rate"]) == (3, 2, 0.6667)
    groups = {g["key"]["program"]: (g["eligible"], g["deflected"], g["rate"]) for g in report["groups"]}
    assert groups == {"911-diversion": (2, 1, 0.5), "pre-arrest-diversion": (1, 1, 1.0)}


def test_eligible_call_types_are_the_countys_and_match_in_any_case(desk, settings):
    assert desk.kinds(call_911(desk, call_type="homeless_concern"))[-1] == "lawenforcement.deflected"
    assert desk.kinds(call_911(desk, call_type="ASSAULT")) == ["response.assigned"]
    settings.deflection_eligible_call_types = ["ASSAULT"]
    assert desk.kinds(call_911(desk, call_type="ASSAULT"))[-1] == "lawenforcement.deflected"


def test_311_request_without_call_type_is_deflected_but_911_without_one_is_not_counted(desk, client, admin):
    assert desk.kinds(desk.triage(channel=Channel.REQUEST_311))[-1] == "lawenforcement.deflected"
    assert desk.kinds(desk.triage(channel=Channel.TRANSFER_911)) == ["response.assigned"]
    assert client.get("/v1/reports/deflections", headers=admin).json()["eligible"] == 1


def test_crisis_line_call_is_not_counted_as_deflection(desk, client, admin):
    assert desk.kinds(desk.triage(channel=Channel.CRISIS_LINE_CALL, call_type="WELFARE_CHECK")) == ["response.assigned"]
    assert client.get("/v1/reports/deflections", headers=admin).json()["eligible"] == 0


def test_eligible_call_with_no_team_free_to_go_counts_as_not_deflected(desk, client, admin):
    for team in ("mobile-team-1", "mobile-team-2", "mobile-team-3"):
        desk.set_status(team, "offline")
    assert desk.kinds(call_911(desk)) == ["response.escalated"]
    report = client.get("/v1/reports/deflections", headers=admin).json()
    assert (report["eligible"], report["deflected"], report["rate"]) == (1, 0, 0.0)


def test_report_groups_by_call_type_and_county_demographics(desk, client, admin):
    call_911(desk, demographics={"age_band": "18-24", "race_ethnicity": "black"})
    call_911(desk, demographics={"age_band": "18-24", "race_ethnicity": "white"})
    call_911(
        desk,
        demographics={"age_band": "65_plus"},
        police_required=True,
        response=ResponseType.CO_RESPONSE,
        safety_flags=[SafetyFlag.IMMINENT_RISK_WITH_MEANS],
    )
    report = client.get(
        "/v1/reports/deflections", params=[("by", "call_type"), ("by", "age_band")], headers=admin
    ).json()
    assert report["by"] == ["call_type", "age_band"]
    groups = [(g["key"], g["eligible"], g["deflected"]) for g in report["groups"]]
    assert groups == [
        ({"call_type": "WELFARE_CHECK", "age_band": "18-24"}, 2, 2),
        ({"call_type": "WELFARE_CHECK", "age_band": "65_plus"}, 1, 0),
    ]


def test_demographics_the_county_does_not_list_are_neither_kept_nor_reportable(desk, client, admin):
    call_911(desk, demographics={"age_band": "25-34", "religion": "x"})
    answer = client.get("/v1/reports/deflections", params={"by": "religion"}, headers=admin)
    assert answer.status_code == 422 and "by" in str(answer.json()["detail"])
    report = client.get("/v1/reports/deflections", params={"by": "age_band"}, headers=admin).json()
    assert [g["key"] for g in report["groups"]] == [{"age_band": "25-34"}]


def test_report_can_be_limited_to_a_period(desk, client, clock, admin):
    call_911(desk)
    since = clock.now().isoformat()
    assert client.get("/v1/reports/deflections", params={"since": since}, headers=admin).json()["eligible"] == 1
    assert client.get("/v1/reports/deflections", params={"until": since}, headers=admin).json()["eligible"] == 0


def test_deflection_report_is_for_county_operators_only(client):
    assert client.get("/v1/reports/deflections").status_code == 401
