"""continuum-day --html: the page of charts built from a report as the day writes it (no services needed)."""

import json

from continuum_sim.day import argument_parser
from continuum_sim.day_page import day_page
from continuum_sim.day_plan import DayOptions, hourly, on_shift
from continuum_sim.outcomes import NO_CALL_TYPE, PostedContact, outcome_report
from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, EVENING_SHIFT, day_roster, generate_day

from tests.html_page import cell, external_urls, read_page
from tests.test_day_report import T0, seen


def journey(area: str, channel: str, call_type: str | None, minutes: float | None, *, deflected: bool) -> list:
    """One episode: triaged, a mobile team assigned (target by area), on scene after ``minutes``, closed."""
    target = 60 if area == "central" else 120
    events = [
        seen("contact.received", 0, channel=channel),
        seen("episode.triaged", 0, channel=channel, call_type=call_type, area=area),
        seen(
            "response.assigned",
            1,
            response_id=f"r-{area}-{minutes}",
            response_type="mobile_team",
            target_minutes=target,
        ),
    ]
    if deflected:
        events.append(seen("lawenforcement.deflected", 1, response_id="r", channel=channel, call_type=call_type))
    if minutes is not None:
        events.append(seen("response.updated", 1 + minutes, response_id=f"r-{area}-{minutes}", status="on_scene"))
        events.append(
            seen("episode.closed", 300, reason="plan_complete" if minutes < 90 else "declined_further_contact")
        )
    return events


def day_report() -> dict:
    """A report as the day writes it: outcome_report of the topic's events, the window and the plan's hours."""
    journeys = {
        "episode-1": journey("central", "911_transfer", "WELFARE_CHECK", 30, deflected=True),
        "episode-2": journey("central", "911_transfer", "WELFARE_CHECK", 75, deflected=False),
        "episode-3": journey("central", "311_request", None, 40, deflected=True),
        "episode-4": journey("outer", "911_transfer", "MENTAL_HEALTH", 100, deflected=True),
        "episode-5": journey("outer", "crisis_line_call", None, None, deflected=False),  # still open: not arrived
        "episode-6": journey("central", "911_transfer", "ASSAULT", 20, deflected=False),  # not eligible
    }
    posted = [PostedContact(events[0].data["channel"], episode) for episode, events in journeys.items()]
    window = {"seed": 7, "contacts": 80, "day_start": T0.isoformat(), "day_end": T0.isoformat(), "ended": T0}
    window |= {"simulated_hours": 100.5, "wall_seconds": 140.2, "settings": DayOptions().county_settings()}
    report = outcome_report(posted, journeys, eligible_call_types=DEFLECTION_ELIGIBLE_CALL_TYPES, window=window)
    report["by_hour"] = hourly(generate_day(80, seed=7), day_roster(80))
    return json.loads(json.dumps(report, default=str))  # as --json writes it, and a page could be made from it


def test_the_report_counts_deflection_by_call_type():
    deflection = day_report()["deflection"]
    assert (deflection["eligible"], deflection["deflected"]) == (4, 3)
    assert deflection["by_call_type"] == [
        {"call_type": NO_CALL_TYPE, "eligible": 1, "deflected": 1},
        {"call_type": "MENTAL_HEALTH", "eligible": 1, "deflected": 1},
        {"call_type": "WELFARE_CHECK", "eligible": 2, "deflected": 1},
    ]


def test_teams_on_shift_per_hour_come_from_the_days_roster():
    roster = day_roster(80)  # four teams, the second and fourth on the evening shift, 14:00 to 02:00
    by_hour = hourly(generate_day(80, seed=7), roster)
    assert len(roster) == 4 and [row["hour"] for row in by_hour] == list(range(24))
    assert sum(row["contacts"] for row in by_hour) == 80
    teams = {row["hour"]: row["teams_on_shift"] for row in by_hour}
    assert teams == {hour: 4 if hour >= 14 or hour < 2 else 2 for hour in range(24)}
    assert on_shift([], T0) and not on_shift([{**EVENING_SHIFT, "days": ["sat"]}], T0)  # T0 is a Friday, 18:00


def test_the_page_has_a_chart_and_the_reports_numbers_for_each_table():
    report = day_report()
    text = day_page(report)
    page = read_page(text)
    assert page.title == "A day of crisis traffic: outcomes"
    assert page.parameters["seed"] == "7" and page.parameters["contacts"] == "80"
    assert page.parameters["setting: clock_scale"] == "2880.0"
    assert [s.heading for s in page.sections] == [
        "Contacts per hour and teams on shift",
        "Response times against the area's target",
        "Deflection by call type",
        "Episodes by closure reason",
    ]
    assert [s.svgs for s in page.sections] == [1, 1, 1, 1] and text.count("<svg") == 4
    assert all(s.caption for s in page.sections)
    hours, times, deflection, episodes = (s.rows for s in page.sections)
    assert hours == [["hour", "contacts", "teams on shift"]] + [
        [f"{r['hour']:02d}", cell(r["contacts"]), cell(r["teams_on_shift"])] for r in report["by_hour"]
    ]
    assert times[1:] == [
        ["central (urban)", "60", "4", "30.0", "75.0", "1", "0"],
        ["outer (rural)", "120", "1", "100.0", "100.0", "0", "1"],
    ]
    assert [[row[0], *map(cell, row[1:])] for row in times[1:]] == [
        [label, *(cell(v) for v in report["response_times"][area].values())]
        for label, area in (("central (urban)", "central"), ("outer (rural)", "outer"))
    ]
    assert deflection[1:] == [
        [r["call_type"], cell(r["eligible"]), cell(r["deflected"])] for r in report["deflection"]["by_call_type"]
    ]
    assert episodes[1:] == [["declined_further_contact", "1"], ["plan_complete", "4"], ["still open", "1"]]
    assert page.scripts == 0 and external_urls(page) == []
    assert report["episodes"]["still_open_ids"] == ["episode-5"] and "episode-" not in text  # counts, never ids


def test_a_report_without_the_plans_hours_still_makes_a_page():
    report = day_report()
    del report["by_hour"]
    assert [s.heading for s in read_page(day_page(report)).sections][0] == "Response times against the area's target"


def test_continuum_day_takes_html_and_says_what_it_writes():
    parser = argument_parser()
    assert parser.parse_args(["--html", "day.html"]).html == "day.html"
    assert parser.parse_args([]).html is None
    assert "self-contained HTML page of charts" in " ".join(parser.format_help().split())
