"""no episode channel

A followup episode's preferred channel was never known (the contracts carry none): check-ins go by
phone, so the always-empty column goes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup_episode", schema=None) as batch_op:
        batch_op.drop_column("channel")


def downgrade() -> None:
    with op.batch_alter_table("followup_episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
