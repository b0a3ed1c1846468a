"""continuum-cad analyze refuses a CSV the mapping does not fit before reading a row, and counts bad times."""

import subprocess
import sys
from pathlib import Path

import pytest
from continuum_sim.cad.cli import run_analyze
from continuum_sim.cad.mapping import Refused, load_mapping
from continuum_sim.cad.reading import read_calls

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "cad" / "new_orleans_calls_sample.csv"
MAPPING = ROOT / "sim" / "examples" / "new_orleans_cad.yaml"
CAD = Path(sys.executable).with_name("continuum-cad")


def cad(csv_path: Path, mapping: Path = MAPPING) -> subprocess.CompletedProcess:
    command = [CAD, "analyze", str(csv_path), "--mapping", str(mapping)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def sample_lines() -> list[str]:
    return SAMPLE.read_text().splitlines(keepends=True)


def test_unmapped_columns_are_refused_by_name_before_any_row_is_read(tmp_path):
    header = sample_lines()[0].rstrip("\n") + ",Caller Name,Narrative\n"
    path = tmp_path / "calls.csv"
    path.write_bytes(header.encode() + b'\x00\xff"garbage,\x00\n' * 50 + b'"never closed')
    with pytest.raises(Refused, match="'Caller Name', 'Narrative'"):
        next(read_calls(path, load_mapping(MAPPING), []))
    refused = cad(path)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("continuum-cad: refused: columns not in the mapping")
    assert "'Caller Name', 'Narrative'" in refused.stderr


def test_a_mapped_column_missing_from_the_csv_is_refused_by_name(tmp_path):
    lines = [line.rstrip("\n").split(",") for line in sample_lines()[:5]]
    at = lines[0].index("TimeArrive")
    path = tmp_path / "calls.csv"
    path.write_text("".join(",".join(cells[:at] + cells[at + 1 :]) + "\n" for cells in lines))
    refused = cad(path)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == "continuum-cad: refused: mapped columns missing from the CSV: TimeArrive (arrived)\n"


def test_an_unparseable_time_is_counted_with_its_line_and_column_not_fatal(tmp_path):
    lines = sample_lines()
    for line_number, column, value in ((5, "TimeArrive", "31/31/2024 99:00"), (9, "TimeCreate", "yesterday")):
        cells = lines[line_number - 1].rstrip("\n").split(",")
        cells[lines[0].rstrip("\n").split(",").index(column)] = value
        lines[line_number - 1] = ",".join(cells) + "\n"
    lines.insert(12, "too,few,fields\n")  # line 13
    path = tmp_path / "calls.csv"
    path.write_text("".join(lines))
    report = run_analyze(path, MAPPING)
    assert report["totals"]["calls"] == 320
    assert report["problems"]["listed"] == [
        {"line": 5, "column": "TimeArrive", "problem": "unparseable time"},
        {"line": 9, "column": "TimeCreate", "problem": "unparseable time"},
        {"line": 13, "column": None, "problem": "3 fields, the header has 21"},
    ]
    assert report["by_hour"][-1]["hour"] is None and report["by_hour"][-1]["calls"] == 1
    done = cad(path)
    assert done.returncode == 0, done.stderr
    assert "line 5, column 'TimeArrive': unparseable time" in done.stdout
    assert "31/31/2024" not in done.stdout and "yesterday" not in done.stdout


MAPPING_CHANGES = [
    (("  - id: police_otherwise\n", "  - id: police_otherwise\n    when: {call_types: [NOISE]}\n"), "empty 'when'"),
    (("  NOISE: {codes", "  BARKING_DOG: {codes"), "call types not in Continuum's vocabulary: BARKING_DOG"),
    (("police_time: dispatch_to_clear", "police_time: whenever"), "police_time: Input should be"),
    (("  district: PoliceDistrict", "  district: BLOCK_ADDRESS"), "columns both mapped and ignored: BLOCK_ADDRESS"),
]


@pytest.mark.parametrize(("change", "message"), MAPPING_CHANGES)
def test_a_mapping_that_does_not_hold_together_is_refused(tmp_path, change, message):
    old, new = change
    assert MAPPING.read_text().count(old) == 1
    mapping = tmp_path / "county.yaml"
    mapping.write_text(MAPPING.read_text().replace(old, new))
    refused = cad(SAMPLE, mapping)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("continuum-cad: refused: the mapping") and message in refused.stderr
    assert refused.stderr.count("\n") == 1
