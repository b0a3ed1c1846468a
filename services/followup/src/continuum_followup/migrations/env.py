"""Alembic environment for followup's schema."""

from sqlmodel import SQLModel

import continuum_followup.store  # noqa: F401 - registers followup's tables
import continuum_kit.delivery  # noqa: F401 - registers the inbox and outbox
from continuum_kit.migrations import run_migrations

run_migrations(SQLModel.metadata)
