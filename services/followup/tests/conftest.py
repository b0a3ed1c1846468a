"""Followup's test fixtures: a migrated database (SQLite, or the PostgreSQL under test) and a manual clock."""

import pytest
from continuum_kit.clock import ManualClock
from continuum_kit.testing import migrated_engine


@pytest.fixture
def engine(database_url):
    return migrated_engine(database_url, "continuum_followup")


@pytest.fixture
def clock():
    return ManualClock()
