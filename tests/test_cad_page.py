"""continuum-cad analyze --html on the shipped sample: one offline page, a chart and a table per figure."""

import json
import subprocess

from continuum_sim.cad.cli import run_analyze
from continuum_sim.cad.page import cad_page

from tests.html_page import cell, external_urls, read_page
from tests.test_cad_analyze import CAD, MAPPING, SAMPLE, sample_rows
from tests.test_cad_refusals import sample_lines


def test_the_html_page_has_a_chart_and_the_json_figures_for_each_table(tmp_path):
    page_path, json_path = tmp_path / "cad.html", tmp_path / "cad.json"
    command = [CAD, "analyze", str(SAMPLE), "--mapping", str(MAPPING), "--json", str(json_path)]
    printed = subprocess.run([*command, "--html", str(page_path)], capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert "By call type" in printed.stdout, "the terminal report is printed as before"
    report, text = json.loads(json_path.read_text()), page_path.read_text(encoding="utf-8")
    page = read_page(text)

    assert page.title == f"Calls for service: {report['mapping']}"
    assert page.parameters["calls-for-service export"] == SAMPLE.name
    assert page.parameters["calls"] == "320" and page.parameters["police hours saved"] == cell(
        report["totals"]["police_hours_saved"]
    )
    headings = [section.heading for section in page.sections]
    assert headings == [
        "Calls per hour",
        "Deflection by call type",
        "Deflection by district",
        "Police hours saved by call type",
    ]
    assert [section.svgs for section in page.sections] == [1, 1, 1, 1]
    assert text.count("<svg") == 4
    assert all(section.caption for section in page.sections)

    hours, types, districts, saved = (section.rows for section in page.sections)
    shares = ["calls", "to an alternative", "share"]
    assert hours[0] == ["hour", *shares] and types[0] == ["call type", *shares] and districts[0][0] == "district"
    assert hours[1:] == [
        [f"{h['hour']:02d}", cell(h["calls"]), cell(h["to_alternative"]), cell(h["share"])] for h in report["by_hour"]
    ]
    assert types[1:] == [
        [t["call_type"], cell(t["calls"]), cell(t["to_alternative"]), cell(t["share"])] for t in report["by_call_type"]
    ]
    assert districts[1:] == [
        [d["district"], cell(d["calls"]), cell(d["to_alternative"]), cell(d["share"])] for d in report["by_district"]
    ]
    assert saved == [["call type", "police hours", "police hours saved"]] + [
        [t["call_type"], cell(t["police_hours"]), cell(t["police_hours_saved"])] for t in report["by_call_type"]
    ]
    assert sum(int(row[1]) for row in hours[1:]) == 320

    assert page.scripts == 0
    assert external_urls(page) == []
    assert ("svg", "xmlns", "http://www.w3.org/2000/svg") in page.urls
    rows = sample_rows()
    secret = {row[c] for row in rows for c in ("NOPD_Item", "BLOCK_ADDRESS", "Location", "MapX", "DispositionText")}
    assert [value for value in secret if value and value in text] == []


def test_the_help_says_what_html_writes():
    shown = subprocess.run([CAD, "analyze", "--help"], capture_output=True, text=True, timeout=60, check=True)
    assert "--html" in shown.stdout and "self-contained HTML page" in " ".join(shown.stdout.split())


def test_calls_without_a_readable_time_have_their_own_hour_on_the_page(tmp_path):
    lines = sample_lines()
    cells = lines[8].rstrip("\n").split(",")
    cells[lines[0].rstrip("\n").split(",").index("TimeCreate")] = "yesterday"
    lines[8] = ",".join(cells) + "\n"
    path = tmp_path / "calls.csv"
    path.write_text("".join(lines))
    report = run_analyze(path, MAPPING)
    hours = read_page(cad_page(report, path.name)).sections[0].rows
    assert hours[-1] == [
        "unknown",
        "1",
        cell(report["by_hour"][-1]["to_alternative"]),
        cell(report["by_hour"][-1]["share"]),
    ]
    assert len(hours) == 1 + 25
