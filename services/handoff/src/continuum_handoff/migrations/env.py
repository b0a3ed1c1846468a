"""Alembic environment for handoff's schema."""

import continuum_kit.delivery  # noqa: F401 - registers the inbox and outbox
import continuum_kit.partners  # noqa: F401 - registers the partner accounts
from continuum_kit.migrations import run_migrations
from sqlmodel import SQLModel

import continuum_handoff.store  # noqa: F401 - registers handoff's tables

run_migrations(SQLModel.metadata)
