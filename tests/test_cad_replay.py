"""continuum-cad replay: a CSV day's calls the county's rules send to an alternative, through the running services."""

import asyncio
import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from continuum_sim.cad.replay import plan
from continuum_sim.day_plan import DayOptions, day_clock, service_env
from continuum_sim.day_report import render_report
from continuum_sim.day_run import simulate
from continuum_sim.stack import Stack
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "cad" / "new_orleans_calls_sample.csv"
MAPPING = ROOT / "sim" / "examples" / "new_orleans_cad.yaml"
CAD = Path(sys.executable).with_name("continuum-cad")
DAY = date(2024, 1, 13)
TIME = "%m/%d/%Y %I:%M:%S %p"

# The sample mapping's call types and rules, written out again: a call goes to an alternative unless it ended in
# a report to follow (RTF), or its call type is none of these (medical, assault, weapon, noise, other: police).
CODES = {"103M": "MENTAL_HEALTH", "22W": "WELFARE_CHECK", "103": "DISTURBANCE", "56": "INTOXICATED_PERSON"}
CODES |= {"21H": "HOMELESS_CONCERN", "108": "TRESPASS", "21N": "NOISE", "95": "WEAPON", "94": "WEAPON"}
CODES |= {"35": "ASSAULT", "34S": "ASSAULT", "103F": "ASSAULT", "MED": "MEDICAL"}
ALTERNATIVE = {"MENTAL_HEALTH", "WELFARE_CHECK", "DISTURBANCE", "INTOXICATED_PERSON", "HOMELESS_CONCERN"}
ALTERNATIVE |= {"TRESPASS", "SUICIDE_THREAT"}


def rows_of(path: Path, day: date) -> list[dict]:
    return [row for row in csv.DictReader(path.open()) if datetime.strptime(row["TimeCreate"], TIME).date() == day]


def call_type(row: dict) -> str | None:
    if row["Type"] in CODES:
        return CODES[row["Type"]]
    text = row["TypeText"].upper()
    return "SUICIDE_THREAT" if "SUICID" in text else "INTOXICATED_PERSON" if "INTOXICATED" in text else None


def expected(rows: list[dict]) -> list[tuple[float, str]]:
    """(seconds since the day's midnight, call type) of the rows an alternative answers, in time order."""
    sent = [row for row in rows if row["Disposition"] != "RTF" and call_type(row) in ALTERNATIVE]
    midnight = datetime.combine(DAY, datetime.min.time())
    return sorted(((datetime.strptime(r["TimeCreate"], TIME) - midnight).total_seconds(), call_type(r)) for r in sent)


def test_the_days_arrivals_are_its_calls_sent_to_an_alternative_at_their_times():
    rows = rows_of(SAMPLE, DAY)
    given = plan(SAMPLE, MAPPING, DAY)
    want = expected(rows)
    assert 0 < len(want) < len(rows)
    got = [(a.at.total_seconds(), a.scenario.contact["call_type_code"]) for a in given.arrivals]
    assert got == want
    assert all(a.channel == "911_transfer" and "location" not in a.scenario.contact for a in given.arrivals)
    assert given.report["calls"] == len(rows) and given.report["sent_to_continuum"] == len(want)
    assert sum(given.report["not_sent_by_response"].values()) == len(rows) - len(want)
    ids = {a.scenario.contact["incident_tracking_id"] for a in given.arrivals}
    assert len(ids) == len(want) and not any(row["NOPD_Item"] in i for row in rows for i in ids)
    assert ids == {a.scenario.contact["incident_tracking_id"] for a in plan(SAMPLE, MAPPING, DAY).arrivals}  # stable


def test_a_date_without_calls_is_refused_before_anything_starts():
    command = [CAD, "replay", str(SAMPLE), "--mapping", str(MAPPING), "--date", "2024-02-01", "--kafka", "x:1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "2024-02-01" in done.stderr


@pytest.mark.kafka
@pytest.mark.e2e
async def test_a_replayed_day_posts_each_call_sent_and_every_episode_closes(kafka_bootstrap, topic, tmp_path):
    lines = SAMPLE.read_text().splitlines(keepends=True)
    day_lines = [line for line in lines[1:] if line.split(",")[9].startswith(DAY.strftime("%m/%d/%Y"))]
    subset = tmp_path / "calls.csv"
    subset.write_text(lines[0] + "".join(day_lines[:10]))
    rows = rows_of(subset, DAY)
    given = plan(subset, MAPPING, DAY)
    assert 2 <= len(expected(rows)) <= 8
    options = DayOptions(contacts=len(given.arrivals), scale=10000, quiet_period_days=0.25)
    clock = day_clock(options, midnight=given.midnight)
    stack = Stack(
        kafka_bootstrap, tmp_path / "stack", topic=topic, group_prefix=topic, extra_env=service_env(options, clock)
    )
    try:
        await asyncio.to_thread(stack.start, 120.0)
        day = await simulate(kafka_bootstrap, stack, options, clock, progress=False, arrivals=given.arrivals)
        episodes = sorted({p.episode_id for p in day.partners.posted})
        county_it = {"Authorization": f"Bearer {stack.admin_token}"}
        async with httpx.AsyncClient(timeout=10) as client:
            intake = [
                (await client.get(f"{stack.urls['intake']}/v1/episodes/{e}", headers=county_it)).json()
                for e in episodes
            ]
    finally:
        await asyncio.to_thread(stack.stop)
    report = {**day.report, "replay": given.report}
    received = [c for episode in intake for c in episode["contact_history"]]
    assert len(received) == len(expected(rows)) == report["contacts"]["by_channel"]["911_transfer"]
    assert report["episodes"]["still_open_ids"] == [] and report["episodes"]["opened"] == len(episodes)
    assert all(episode["status"] == "closed" for episode in intake)
    out = io.StringIO()
    render_report(report, Console(file=out, width=160))
    shown = json.dumps(report) + out.getvalue()
    assert f"Replayed {DAY.isoformat()}" in out.getvalue()
    for row in rows:
        for column in ("NOPD_Item", "BLOCK_ADDRESS", "TypeText", "DispositionText", "Location"):
            assert row[column] not in shown, column
