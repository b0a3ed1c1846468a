"""referral escalation and stalled handoffs

A referral whose reminders all went unanswered escalates to a supervisor (escalate_at, escalated_at and the
escalating event's id), who reassigns, closes or keeps it open until a review; at its episode's closure an
open referral is cancelled or handed on to a named owner. An accepted handoff has a complete-by time and
escalates once when it stalls. Rows from before keep null timers: they predate the rules.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from continuum_kit.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REFERRAL_TIMES = ("escalated_at", "review_at", "closed_at", "handed_on_at")
REFERRAL_CODES = {"resolution": 32, "resolved_by": 64, "close_reason": 64, "owner": 64}


def upgrade() -> None:
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complete_by", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stalled_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoff_handoff_complete_by"), ["complete_by"], unique=False)

    with op.batch_alter_table("handoff_referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalate_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalation_id", sa.String(length=100), nullable=True))
        for name in REFERRAL_TIMES:
            batch_op.add_column(sa.Column(name, UTCDateTime(timezone=True), nullable=True))
        for name, length in REFERRAL_CODES.items():
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch_op.add_column(sa.Column("replaces", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("replaced_by", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoff_referral_escalate_at"), ["escalate_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_referral_escalation_id"), ["escalation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_referral_escalation_id"))
        batch_op.drop_index(batch_op.f("ix_handoff_referral_escalate_at"))
        for name in ("replaced_by", "replaces", *REFERRAL_CODES, *REFERRAL_TIMES, "escalation_id", "escalate_at"):
            batch_op.drop_column(name)

    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_handoff_complete_by"))
        batch_op.drop_column("stalled_at")
        batch_op.drop_column("complete_by")
