"""Alembic environment for the board's read model."""

import continuum_kit.delivery  # noqa: F401 - registers the inbox and outbox
from continuum_kit.migrations import run_migrations
from sqlmodel import SQLModel

import continuum_board.store  # noqa: F401 - registers the board's tables

run_migrations(SQLModel.metadata)
