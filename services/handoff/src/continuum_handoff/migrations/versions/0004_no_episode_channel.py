"""no episode channel

Handoff kept a triaged episode's channel but never read it (a police field referral is told from the
triage event itself): the column goes.

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
    with op.batch_alter_table("handoff_episode", schema=None) as batch_op:
        batch_op.drop_column("channel")


def downgrade() -> None:
    # Rows kept before the upgrade lost their channel; "unknown" stands in so that the column can be required again.
    with op.batch_alter_table("handoff_episode", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="unknown")
        )
