"""Alembic support for every service: the body of its ``env.py``, and the kit's own inbox and outbox tables."""

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import MetaData, engine_from_config, pool

from continuum_kit.db import UTCDateTime


def run_migrations(target_metadata: MetaData) -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection, target_metadata)
        return
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.begin() as connection:
        _run(connection, target_metadata)


def _run(connection, target_metadata: MetaData) -> None:  # noqa: ANN001 - alembic's connection
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def create_delivery_tables() -> None:
    """The inbox and outbox every service's database holds; called by each service's first revision."""
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["published_at", "seq"], unique=False)
    op.create_table(
        "processed_event",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def drop_delivery_tables() -> None:
    op.drop_table("processed_event")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")
