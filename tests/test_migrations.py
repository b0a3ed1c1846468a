"""Each service's and the board's migrations build exactly the schema its models describe, on SQLite and PostgreSQL."""

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from continuum_kit.testing import migrated_engine
from sqlmodel import SQLModel

SERVICES = ["intake", "dispatch", "handoff", "followup", "board"]
DELIVERY = {"outbox", "processed_event"}
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
