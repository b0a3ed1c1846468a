"""relay shards

Each outbox row's relay shard (a stable hash of its episode id) and the table of shards a relay pass locks, so
that several instances on this database publish different shards at once, each episode in order.

Revision ID: 0007
Revises: 0006
"""

from continuum_kit.migrations import add_relay_shards, drop_relay_shards

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_relay_shards()


def downgrade() -> None:
    drop_relay_shards()
