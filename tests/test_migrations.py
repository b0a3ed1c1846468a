"""Each service's and the board's migrations build exactly the schema its models describe, on SQLite and PostgreSQL."""

import importlib
import multiprocessing

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from continuum_kit.testing import migrate_when_released, migrated_engine
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

SERVICES = ["intake", "dispatch", "handoff", "followup", "board"]
DELIVERY = {"outbox", "outbox_shard", "processed_event"}
KIT_TABLES = {
    "intake": DELIVERY | {"answered_request"},
    "dispatch": DELIVERY | {"partner_account", "answered_request"},
    "handoff": DELIVERY | {"partner_account"},
    "followup": DELIVERY | {"partner_account", "answered_request"},
    "board": DELIVERY,
}


@pytest.mark.parametrize("service", SERVICES)
def test_migrated_schema_matches_the_models(service, database_url):
    importlib.import_module(f"continuum_{service}.store")
    engine = migrated_engine(database_url, f"continuum_{service}")
    own = [
        t
        for name, t in SQLModel.metadata.tables.items()
        if name.startswith(f"{service}_") or name in KIT_TABLES[service]
    ]
    metadata = type(SQLModel.metadata)()
    for table in own:
        table.to_metadata(metadata)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("service", SERVICES)
def test_two_instances_starting_at_once_on_a_fresh_database_both_come_up(service, new_postgres_database):
    """County IT scales a service to two instances: both migrate one fresh PostgreSQL database at the same
    moment, and both start on the finished schema instead of the second crashing on a half-built one."""
    url = new_postgres_database()
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    instances = [
        spawn.Process(target=migrate_when_released, args=(barrier, url, f"continuum_{service}")) for _ in range(2)
    ]
    for instance in instances:
        instance.start()
    for instance in instances:
        instance.join(timeout=120)
    assert [instance.exitcode for instance in instances] == [0, 0]
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    engine.dispose()
    assert len(heads) == 1
