"""live handoffs

An episode does not close while a warm handoff of it is open: followup keeps each handoff from its request until it
is completed, declined or cancelled (``followup_live_handoff``), and a bed reserved for the person from its
reservation until the handoff to that place is requested (``for_place``).

Revision ID: 0010
Revises: 0009
"""

import continuum_kit.db
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_live_handoff",
        sa.Column("handoff_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("to_party", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("for_place", sa.Boolean(), nullable=False),
        sa.Column("opened_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.PrimaryKeyConstraint("handoff_id"),
    )
    with op.batch_alter_table("followup_live_handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_live_handoff_episode_id"), ["episode_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_live_handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_live_handoff_episode_id"))
    op.drop_table("followup_live_handoff")
