"""The benchmark runs end to end on tiny numbers and prints every section with figures in it (their size is the
bench's business, never a test's)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.e2e]
ROOT = Path(__file__).resolve().parents[1]
NUMBER = r"[\d,]+(?:\.\d+)?"


def test_the_bench_prints_every_section_with_numbers(kafka_bootstrap, postgres_admin_url):
    tiny = "--messages 200 --faststream-messages 200 --episodes 3 --rates 4 20 --paced-seconds 0.3 --contacts 16"
    tiny += " --warm-up 1"
    scale_out = ["--scale-out", "1", "2", "--scale-episodes", "2", "--scale-out-database", postgres_admin_url]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--kafka", kafka_bootstrap, *tiny.split(), *scale_out],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = done.stdout
    expected = [
        rf"\(a\) raw aiokafka relay.*?{NUMBER} msg/s",
        rf"\(b\) FastStream subscriber->publisher.*?{NUMBER} msg/s",
        r"headers on the sink: raw ce_id, .*traceparent; FastStream ce_id, ",
        rf"saturated\s+3/3(\s+{NUMBER}){{8}}",
        rf"paced 4/s\s+\d+/\d+(\s+{NUMBER}){{8}}",
        rf"paced 20/s\s+\d+/\d+(\s+{NUMBER}){{8}}",
        rf"\(d\) intake alone, 16 clients\s+{NUMBER} contacts/s\s+p50 {NUMBER} ms\s+p99 {NUMBER} ms",
        rf"1 instance\(s\) per service\s+2/2(\s+{NUMBER}){{4}}",
        rf"2 instance\(s\) per service\s+2/2(\s+{NUMBER}){{4}}",
        rf"episodes/s / raw msg/s\s+{NUMBER}\s+episodes/s / FastStream msg/s\s+{NUMBER}",
    ]
    for pattern in expected:
        assert re.search(pattern, report), f"{pattern!r} not in:\n{report}"
    cpu = report.split("(e) CPU seconds", 1)[1].split("ratios", 1)[0]
    assert re.search(r"intake\s+dispatch\s+handoff\s+followup\s+bench", cpu), report
    for phase in ("saturated", "paced 4/s", "paced 20/s"):
        assert re.search(rf"{phase}(\s+{NUMBER} \(\s*{NUMBER}\)){{5}}", cpu), f"{phase} CPU row missing:\n{report}"
    assert re.search(rf"intake alone\s+{NUMBER} \(\s*{NUMBER}\)", cpu), report
    assert "n/a" not in report, report
