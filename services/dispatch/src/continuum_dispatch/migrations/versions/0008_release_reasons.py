"""release reasons

A place that declines the handoff of the person a team is bringing gets its held bed back, and dispatch holds one
at another place of the type: each released bed keeps why it went back (``release_reason``), so that a place that
declined the person is not asked again.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispatch_reservation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispatch_reservation", schema=None) as batch_op:
        batch_op.drop_column("release_reason")
