"""continuum-cad analyze on the shipped New Orleans sample: figures checked against a plain count of the CSV."""

import csv
import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

from continuum_intake.config import DEFAULT_CALL_TYPES
from continuum_sim.cad.cli import run_analyze
from continuum_sim.cad.mapping import CONTINUUM_CALL_TYPES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "cad" / "new_orleans_calls_sample.csv"
MAPPING = ROOT / "sim" / "examples" / "new_orleans_cad.yaml"
CAD = Path(sys.executable).with_name("continuum-cad")
ALTERNATIVE_CALL_TYPES = {"MENTAL_HEALTH", "SUICIDE_THREAT", "WELFARE_CHECK", "INTOXICATED_PERSON", "DISTURBANCE"}
CODES = {"103M": "MENTAL_HEALTH", "22W": "WELFARE_CHECK", "103": "DISTURBANCE", "56": "INTOXICATED_PERSON"}
CODES |= {"21H": "HOMELESS_CONCERN", "108": "TRESPASS", "21N": "NOISE", "95": "WEAPON", "35": "ASSAULT"}
CODES["MED"] = "MEDICAL"


def sample_rows() -> list[dict]:
    with SAMPLE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def alternative(row: dict) -> bool:
    """The sample mapping's rules, written out by hand."""
    call_type = CODES.get(row["Type"]) or ("SUICIDE_THREAT" if "SUICID" in row["TypeText"] else "OTHER")
    if row["Disposition"] == "RTF":
        return False
    if call_type in {"MENTAL_HEALTH", "WELFARE_CHECK"} and row["Priority"].startswith("0"):
        return True  # 988
    return call_type in ALTERNATIVE_CALL_TYPES | {"HOMELESS_CONCERN", "TRESPASS"}


def hours(row: dict) -> float:
    if not row["TimeDispatch"] or not row["TimeClosed"]:
        return 0.0
    start, end = (datetime.strptime(row[c], "%m/%d/%Y %I:%M:%S %p") for c in ("TimeDispatch", "TimeClosed"))
    return (end - start).total_seconds() / 3600


def test_continuum_call_types_are_intakes():
    assert list(CONTINUUM_CALL_TYPES) == DEFAULT_CALL_TYPES


def test_the_sample_counts_match_a_plain_count_of_the_csv():
    rows = sample_rows()
    diverted = [row for row in rows if alternative(row)]
    report = run_analyze(SAMPLE, MAPPING)
    totals = report["totals"]
    assert len(rows) == 320 and totals["calls"] == 320
    assert totals["to_alternative"] == len(diverted) > 100
    assert abs(totals["police_hours_saved"] - sum(map(hours, diverted))) < 0.01
    assert abs(totals["police_hours"] - sum(map(hours, rows))) < 0.01
    assert totals["alternative_without_police_time"] == sum(1 for row in diverted if not row["TimeDispatch"])
    assert totals["by_response"]["ems"] == sum(1 for r in rows if r["Type"] == "MED" and r["Disposition"] != "RTF")
    hour_of = {row["NOPD_Item"]: datetime.strptime(row["TimeCreate"], "%m/%d/%Y %I:%M:%S %p").hour for row in rows}
    calls_by_hour, diverted_by_hour = Counter(hour_of.values()), Counter(hour_of[r["NOPD_Item"]] for r in diverted)
    assert [(h["hour"], h["calls"], h["to_alternative"]) for h in report["by_hour"]] == [
        (hour, calls_by_hour[hour], diverted_by_hour[hour]) for hour in range(24)
    ]
    districts = Counter(row["PoliceDistrict"] for row in rows)
    assert {d["district"]: d["calls"] for d in report["by_district"]} == districts
    by_type = {t["call_type"]: t for t in report["by_call_type"]}
    assert by_type["WEAPON"]["to_alternative"] == 0
    assert by_type["MENTAL_HEALTH"]["calls"] == sum(1 for row in rows if row["Type"] == "103M")
    assert by_type["SUICIDE_THREAT"]["calls"] == sum(1 for row in rows if row["TypeText"] == "SUICIDE THREAT")
    assert by_type["OTHER"]["calls"] == totals["calls"] - totals["crisis_call_types"]
    assert sum(t["calls"] for t in report["by_city_call_type"]) == 320
    assert report["problems"] == {"rows": 0, "count": 0, "listed": []}


def test_the_cli_prints_the_report_and_json_and_never_an_address_or_a_point():
    common = ["analyze", str(SAMPLE), "--mapping", str(MAPPING)]
    printed = subprocess.run([CAD, *common], capture_output=True, text=True, timeout=60, check=True).stdout
    for heading in ("Totals", "By call type", "By hour received", "By district", "MENTAL_HEALTH", "dispatch to clear"):
        assert heading in printed
    as_json = subprocess.run([CAD, *common, "--json", "-"], capture_output=True, text=True, timeout=60, check=True)
    report = json.loads(as_json.stdout)
    assert report == run_analyze(SAMPLE, MAPPING)
    rows = sample_rows()
    secret = {row[c] for row in rows for c in ("NOPD_Item", "BLOCK_ADDRESS", "Location", "MapX", "DispositionText")}
    street_names = {row["BLOCK_ADDRESS"].split(" ", 1)[1] for row in rows}
    for output in (printed, as_json.stdout):
        assert [value for value in secret | street_names if value in output] == []


def test_free_text_in_a_printed_column_is_never_shown(tmp_path):
    rows = sample_rows()
    narrative = "caller JOHN DOE at 1234 Quill St says his neighbour is shouting"
    rows[0]["PoliceDistrict"], rows[1]["Type"] = narrative, "Jane Roe 504-555-0100"
    path = tmp_path / "calls.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = json.dumps(run_analyze(path, MAPPING))
    assert "JOHN" not in report and "Jane" not in report and "555-0100" not in report
    assert '"district": "(rare)", "calls": 1' in report and '"code": "(rare)"' in report
