"""The day's outcome report: its arithmetic, from hand-made journeys and generated line waits."""

from datetime import UTC, datetime, timedelta

from continuum_sim.journeys import Seen
from continuum_sim.outcomes import PostedContact, deflection, outcome_report, percentile
from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, generate_day

# --- the report's arithmetic -------------------------------------------------------------------------

T0 = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)


def seen(event_type: str, minutes: float, **data) -> Seen:
    return Seen(
        f"id-{event_type}-{minutes}-{data}",
        f"continuum.{event_type}.v1",
        "/t",
        data,
        0.0,
        None,
        T0 + timedelta(minutes=minutes),
    )


def test_percentiles_are_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile(list(reversed(values)), 91) == 100


def test_deflection_counts_eligible_911_and_311_calls_and_those_answered_without_police():
    triaged = [
        {"channel": "911_transfer", "call_type": "WELFARE_CHECK"},
        {"channel": "911_transfer", "call_type": "ASSAULT"},  # not a crisis-team call type
        {"channel": "311_request", "call_type": "homeless_concern"},
        {"channel": "311_request", "call_type": None},  # a 311 request is non-emergency by definition
        {"channel": "crisis_line_call", "call_type": None},
    ]
    assert deflection(triaged, 2, DEFLECTION_ELIGIBLE_CALL_TYPES) == {"eligible": 3, "deflected": 2, "rate": 0.6667}
    assert deflection([], 0, DEFLECTION_ELIGIBLE_CALL_TYPES)["rate"] is None


def test_the_lines_report_how_long_each_person_waited_and_the_report_sums_it_up():
    day = generate_day(300, seed=3)
    lines = [a for a in day if a.scenario.channel.startswith(("crisis_line_", "warmline_"))]
    others = [a for a in day if a not in lines]
    assert lines and all(0 <= a.scenario.contact["answered_after_seconds"] <= 1800 for a in lines)
    assert all("answered_after_seconds" not in a.scenario.contact for a in others)
    waits = sorted(a.scenario.contact["answered_after_seconds"] for a in lines)
    assert waits[len(waits) // 2] < 60 < waits[-1], "most are answered quickly, a few wait minutes"
    received = [
        seen("contact.received", 0, channel="crisis_line_call", answered_after_seconds=wait) for wait in (10, 20, 90)
    ] + [seen("contact.received", 0, channel="911_transfer")]
    posted = [PostedContact("crisis_line_call", str(i)) for i in range(4)]
    report = outcome_report(posted, {str(i): [e] for i, e in enumerate(received)}, eligible_call_types=[])
    assert report["contacts"]["speed_to_answer_seconds"] == {"reported": 3, "p50": 20, "p90": 90, "within_30s": 0.6667}


def test_the_report_from_a_few_hand_made_journeys():
    urban, rural, declined = "e-urban", "e-rural", "e-declined"
    events = {
        urban: [
            seen("contact.received", 0, channel="911_transfer"),
            seen("episode.triaged", 0, channel="911_transfer", call_type="WELFARE_CHECK", area="central"),
            seen("response.assigned", 1, response_id="r1", response_type="mobile_team", target_minutes=60),
            seen("lawenforcement.deflected", 1, response_id="r1", channel="911_transfer", call_type="WELFARE_CHECK"),
            # r1 never acknowledges; r2 replaces it and arrives: 80 minutes after the first assignment, late
            seen(
                "response.assigned",
                49,
                response_id="r2",
                response_type="mobile_team",
                target_minutes=60,
                replaces="r1",
                reason="not_acknowledged",
            ),
            seen("response.escalated", 62, reason="target_missed", response_type="mobile_team"),
            seen("response.updated", 81, response_id="r2", status="on_scene"),
            seen("response.resolved", 120, response_id="r2", disposition="transported_to_stabilization"),
            seen("handoff.requested", 121, handoff_id="h1", kind="team_to_stabilization_unit"),
            seen("handoff.accepted", 130, handoff_id="h1"),
            seen("handoff.completed", 170, handoff_id="h1"),
            seen("followup.scheduled", 171, followup_id="f1", sequence=1, recipient="person"),
            seen("followup.scheduled", 171, followup_id="f2", sequence=2, recipient="person"),
            seen("followup.attempted", 171 + 25 * 60, followup_id="f1", reached=True),
            seen("followup.completed", 171 + 25 * 60, followup_id="f1"),
            seen("followup.attempted", 171 + 73 * 60, followup_id="f2", reached=True),
            seen("followup.completed", 171 + 73 * 60, followup_id="f2"),
            seen("episode.closed", 171 + 73 * 60, reason="plan_complete"),
        ],
        rural: [
            seen("contact.received", 5, channel="crisis_line_call"),
            seen("episode.triaged", 5, channel="crisis_line_call", area="outer"),
            seen("response.assigned", 6, response_id="r3", response_type="mobile_team", target_minutes=120),
            seen("response.updated", 46, response_id="r3", status="en_route"),
            seen("response.updated", 56, response_id="r3", status="on_scene"),
            seen("response.resolved", 90, response_id="r3", disposition="resolved_in_place"),
            seen("followup.scheduled", 91, followup_id="f3", sequence=1, recipient="person"),
            seen("followup.attempted", 91 + 80 * 60, followup_id="f3", reached=False),
            seen("reengagement.requested", 91 + 80 * 60, followup_id="f3"),
            seen("contact.received", 200, channel="warmline_call"),
            seen("episode.triaged", 200, channel="warmline_call", area=None, returning=True),
        ],
        declined: [
            seen("contact.received", 7, channel="311_request"),
            seen(
                "episode.triaged", 7, channel="311_request", call_type="NOISE", area="central", safety_flags=["weapon"]
            ),
            seen("response.assigned", 8, response_id="r4", response_type="co_response", target_minutes=60),
            seen("response.resolved", 30, response_id="r4", disposition="declined_services"),
            seen("episode.closed", 31, reason="declined_further_contact"),
        ],
    }
    posted = [
        PostedContact("911_transfer", urban),
        PostedContact("crisis_line_call", rural),
        PostedContact("warmline_call", rural),
        PostedContact("311_request", declined),
    ]
    report = outcome_report(posted, events, eligible_call_types=DEFLECTION_ELIGIBLE_CALL_TYPES)

    assert report["contacts"]["by_channel"] == {
        "311_request": 1,
        "911_transfer": 1,
        "crisis_line_call": 1,
        "warmline_call": 1,
    }
    assert report["contacts"]["received_on_topic"] == report["contacts"]["by_channel"]
    assert report["contacts"]["returning"] == 1 and report["contacts"]["with_safety_flags"] == 1
    assert report["responses"]["by_type"] == {"co_response": 1, "mobile_team": 2}
    assert report["responses"]["replaced"] == {"not_acknowledged": 1}
    assert report["responses"]["escalations"] == {"target_missed": 1}
    assert report["deflection"] == {
        "eligible": 2,
        "deflected": 1,
        "rate": 0.5,
        "by_call_type": [
            {"call_type": "NOISE", "eligible": 1, "deflected": 0},
            {"call_type": "WELFARE_CHECK", "eligible": 1, "deflected": 1},
        ],
    }
    assert report["response_times"] == {
        "central": {
            "target_minutes": 60,
            "arrived": 1,
            "p50_minutes": 80.0,
            "p90_minutes": 80.0,
            "late": 1,
            "not_arrived": 1,
        },
        "outer": {
            "target_minutes": 120,
            "arrived": 1,
            "p50_minutes": 50.0,
            "p90_minutes": 50.0,
            "late": 0,
            "not_arrived": 0,
        },
    }
    assert report["handoffs"] == {
        "requested": 1,
        "by_kind": {"team_to_stabilization_unit": 1},
        "accepted": 1,
        "declined": 0,
        "escalated": 0,
        "completed": 1,
    }
    assert report["followups"] == {
        "people_with_plan": 2,
        "checkins_scheduled": 3,
        "attempts": 3,
        "checkins_completed": 2,
        "checkins_unreachable": 1,
        "people_reached_within_72h": 1,  # the rural person was never reached
        "rate_within_72h": 0.5,
    }
    assert report["episodes"] == {
        "opened": 3,
        "closed": 2,
        "closed_by_reason": {"declined_further_contact": 1, "plan_complete": 1},
        "still_open": 1,
        "still_open_ids": [rural],
    }
