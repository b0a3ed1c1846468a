"""Dispatch's pure rules, without a database: team choice, duty hours, deflection, status order, targets."""

from datetime import UTC, datetime, time

import pytest
from continuum_contracts.vocabulary import Channel, SafetyFlag
from continuum_dispatch.deflection import eligible, outcome, tally
from continuum_dispatch.domain import (
    EtaPolicy,
    ResponderKind,
    ResponderStatus,
    ResponseStatus,
    Step,
    step,
    target_minutes,
)
from continuum_dispatch.team_choice import DutyWindow, Incident, Team, choose_team, distance_km, on_duty

POLICY = EtaPolicy(base_minutes=10, per_active_minutes=15, travel_speed_kmh=60)
THURSDAY_NOON = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
MOBILE = ResponderKind.MOBILE_TEAM


def team(name: str, km_east: float, *, peer: bool = False, active: int = 0, status=ResponderStatus.AVAILABLE) -> Team:
    # At the equator a degree of longitude is about 111 km: bases placed by distance from the incident.
    return Team(name, MOBILE, peer, status, active, location=(0.0, km_east / 111.195))


def choose(*teams: Team, peer_preferred: bool = False, extra: int = 10):
    incident = Incident(MOBILE, cell=(0.0, 0.0), peer_preferred=peer_preferred)
    return choose_team(teams, incident, POLICY, THURSDAY_NOON, extra)


def test_eta_is_start_up_plus_travel_rounded_up():
    assert distance_km((0.0, 0.0), (0.0, 30 / 111.195)) == pytest.approx(30, rel=1e-3)
    assert choose(team("a", 30)).eta_minutes == 40


def test_peer_team_within_the_extra_minutes_beats_a_nearer_team_without():
    choice = choose(team("near", 5), team("peer", 12, peer=True))
    assert (choice.responder_id, choice.with_peer) == ("peer", True)
    assert choose(team("near", 5), team("peer", 20, peer=True)).responder_id == "near"
    assert choose(team("near", 5), team("peer", 20, peer=True), peer_preferred=True).responder_id == "peer"


def test_free_team_beats_a_nearer_busy_one_and_a_busy_one_queues_when_none_is_free():
    busy = team("busy", 1, active=1, status=ResponderStatus.EN_ROUTE)
    assert choose(busy, team("free", 40)).responder_id == "free"
    queued = choose(busy)
    assert (queued.responder_id, queued.free, queued.eta_minutes) == ("busy", False, 10 + 1 + 15)


def test_offline_team_is_never_chosen():
    assert choose(team("off", 1, status=ResponderStatus.OFFLINE)) is None


def test_duty_windows_including_overnight():
    day = DutyWindow(frozenset({"thu"}), time(8), time(16))
    night = DutyWindow(frozenset({"wed"}), time(22), time(6))
    assert on_duty([day], THURSDAY_NOON) and not on_duty([day], THURSDAY_NOON.replace(hour=17))
    assert on_duty([night], THURSDAY_NOON.replace(hour=5)) and not on_duty([night], THURSDAY_NOON)
    assert on_duty([], THURSDAY_NOON)


def test_deflection_eligibility_and_outcome():
    eligible_types = ["WELFARE_CHECK"]
    assert eligible(Channel.TRANSFER_911, "welfare_check", eligible_types)
    assert not eligible(Channel.TRANSFER_911, None, eligible_types)
    assert eligible(Channel.REQUEST_311, None, eligible_types)
    assert not eligible(Channel.CRISIS_LINE_CALL, "WELFARE_CHECK", eligible_types)
    assert outcome(False, [], [], sent=True).reason == "eligible_call_type_no_safety_risk"
    flags = [SafetyFlag.WEAPON, SafetyFlag.VIOLENCE_IN_PROGRESS]
    assert outcome(True, flags, ["x"], sent=True).reason == "police_required:violence_in_progress"
    assert outcome(True, [], ["weapon_or_means"], sent=True).reason == "police_required:weapon_or_means"


def test_tally_counts_total_and_groups():
    calls = [({"program": "a"}, True), ({"program": "a"}, False), ({}, True)]
    total, groups = tally(calls, ["program"])
    assert (total.eligible, total.deflected, total.rate) == (3, 2, 0.6667)
    assert {key: (c.eligible, c.deflected) for key, c in groups.items()} == {("a",): (2, 1), (None,): (1, 1)}


def test_status_order_allows_forward_and_repeat_only():
    assert step(ResponseStatus.ASSIGNED, ResponseStatus.ON_SCENE) is Step.ADVANCE
    assert step(ResponseStatus.EN_ROUTE, ResponseStatus.EN_ROUTE) is Step.REPEAT
    assert step(ResponseStatus.ON_SCENE, ResponseStatus.ACKNOWLEDGED) is Step.CONFLICT
    assert step(ResponseStatus.RESOLVED, ResponseStatus.ON_SCENE) is Step.CONFLICT
    assert step(ResponseStatus.REPLACED, ResponseStatus.ACKNOWLEDGED) is Step.CONFLICT


def test_unlisted_area_counts_as_rural():
    targets = {"urban": 60, "rural": 120}
    assert target_minutes("central", {"central": "urban"}, targets) == 60
    assert target_minutes("elsewhere", {"central": "urban"}, targets) == 120
    assert target_minutes(None, {}, targets) == 120
