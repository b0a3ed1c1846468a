"""Alembic support for every service: the body of its ``env.py``, and the kit's own inbox and outbox tables."""

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy import MetaData, engine_from_config, pool

from continuum_kit.db import UTCDateTime
from continuum_kit.delivery import RELAY_SHARDS, shard_of


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


def add_relay_shards() -> None:
    """The outbox's relay shard and the table of shards a relay pass locks; each service's revision after
    ``create_delivery_tables`` calls it. Rows still unpublished get the shard of their key, so that an
    episode's old and new rows share one; published rows are never read by shard and keep 0."""
    op.add_column("outbox", sa.Column("shard", sa.Integer(), nullable=False, server_default="0"))
    outbox = sa.table(
        "outbox",
        sa.column("seq", sa.Integer()),
        sa.column("key", sa.LargeBinary()),
        sa.column("shard", sa.Integer()),
        sa.column("published_at", UTCDateTime(timezone=True)),
    )
    connection = op.get_bind()
    pending = connection.execute(sa.select(outbox.c.seq, outbox.c.key).where(outbox.c.published_at.is_(None))).all()
    if pending:
        connection.execute(
            outbox.update().where(outbox.c.seq == sa.bindparam("row_seq")).values(shard=sa.bindparam("row_shard")),
            [{"row_seq": seq, "row_shard": shard_of(bytes(key))} for seq, key in pending],
        )
    op.create_index("ix_outbox_shard_pending", "outbox", ["shard", "published_at", "seq"], unique=False)
    shards = op.create_table(
        "outbox_shard",
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("shard"),
    )
    op.bulk_insert(shards, [{"shard": shard} for shard in range(RELAY_SHARDS)])


def drop_relay_shards() -> None:
    op.drop_table("outbox_shard")
    op.drop_index("ix_outbox_shard_pending", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("shard")
