"""Alembic environment for dispatch's schema."""

import continuum_kit.delivery  # noqa: F401 - registers the inbox and outbox
import continuum_kit.idempotency  # noqa: F401 - registers the answered requests
import continuum_kit.partners  # noqa: F401 - registers the partner accounts
from continuum_kit.migrations import run_migrations
from sqlmodel import SQLModel

import continuum_dispatch.store  # noqa: F401 - registers dispatch's tables

run_migrations(SQLModel.metadata)
