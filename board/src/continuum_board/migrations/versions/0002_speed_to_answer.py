"""speed to answer

An episode keeps its first contact's wait before someone answered, as the answering line reported it.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("board_episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_after_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("board_episode", schema=None) as batch_op:
        batch_op.drop_column("answered_after_seconds")
