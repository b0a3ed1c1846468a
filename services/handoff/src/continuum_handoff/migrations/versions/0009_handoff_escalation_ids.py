"""handoff escalation ids

A supervisor resolves a handoff's escalation on the board: cancelled, the handoff will not happen; otherwise it
stays open with a new window, and escalates again if the partner still does not move it. Each handoff keeps its
last escalations' event ids, for the board's resolution to find it.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ("escalation_id", "stall_escalation_id")


def upgrade() -> None:
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_handoff_handoff_{name}"), [name], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.drop_index(batch_op.f(f"ix_handoff_handoff_{name}"))
            batch_op.drop_column(name)
