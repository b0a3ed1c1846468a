"""rounds, live responses and overdue check-ins

A person who comes back starts a new round on the same plan; followup keeps the episode's live responses so
that no closure happens while one is live (a deferred close waits in ``close_pending``); a check-in its peer
has not attempted within the grace is escalated (``overdue_at``), and an outstanding re-engagement request
holds the quiet period (``reengagement_id``).

Revision ID: 0006
Revises: 0005
"""

import continuum_kit.db
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_live_response",
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.PrimaryKeyConstraint("response_id"),
    )
    with op.batch_alter_table("followup_live_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_live_response_episode_id"), ["episode_id"], unique=False)

    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("close_pending", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))

    with op.batch_alter_table("followup_checkin", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("overdue_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reengagement_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup_checkin", schema=None) as batch_op:
        batch_op.drop_column("reengagement_id")
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("round")

    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.drop_column("close_pending")
        batch_op.drop_column("round")

    with op.batch_alter_table("followup_live_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_live_response_episode_id"))
    op.drop_table("followup_live_response")
