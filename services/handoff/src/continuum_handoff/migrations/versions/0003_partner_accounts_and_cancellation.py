"""partner accounts and cancellation

Receiving partners authenticate with their own secret (the kit's partner accounts) instead of naming
themselves in the body; a handoff records when and why it was cancelled.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from continuum_kit.db import UTCDateTime
from continuum_kit.partners import create_partner_table, drop_partner_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_partner_table()
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
    drop_partner_table()
