"""Every timer sweep finds what is due through an index, never by reading every row a county has stored: its cost
grows with the obligations due, not with the episodes kept (SQLite's query plans, from the migrated schema)."""

import importlib
import re

import pytest
from continuum_kit.clock import ManualClock
from continuum_kit.testing import migrated_engine, run_sweeps
from sqlalchemy import event

SERVICES = {"dispatch": "DispatchSettings", "handoff": "HandoffSettings", "followup": "FollowupSettings"}
WHOLE_TABLE = re.compile(r"^SCAN (\w+)$")  # SQLite's plan for reading every row (no index, not covering)
SMALL_TABLES = {"dispatch_responder", "dispatch_place", "outbox_shard"}  # the roster and the places: a county's own


def _plans(engine) -> dict[str, list[str]]:
    plans: dict[str, list[str]] = {}

    def explain(connection, cursor, statement, parameters, context, executemany) -> None:
        if executemany or not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            return
        rows = connection.connection.dbapi_connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plans[statement] = [row[-1] for row in rows.fetchall()]

    event.listen(engine, "after_cursor_execute", explain)
    return plans


@pytest.mark.parametrize("service", SERVICES)
def test_each_sweep_reads_its_due_rows_by_index(service, tmp_path):
    config = importlib.import_module(f"continuum_{service}.config")
    timers = importlib.import_module(f"continuum_{service}.timers")
    settings = getattr(config, SERVICES[service])(admin_token="county-it-token-for-tests-only")
    engine = migrated_engine(tmp_path / f"{service}.db", f"continuum_{service}")
    plans = _plans(engine)
    run_sweeps(engine, ManualClock(), timers.build_sweeps(settings))
    engine.dispose()
    assert plans, "the sweeps read nothing"
    scans = {
        statement: plan
        for statement, plan in plans.items()
        if any((m := WHOLE_TABLE.match(line.strip())) and m.group(1) not in SMALL_TABLES for line in plan)
    }
    assert scans == {}
