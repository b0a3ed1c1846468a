"""referral updated_at

A referral's last change of status or result, for the FHIR facade's Task.meta.lastUpdated and the partners'
``_lastUpdated`` polling. Rows from before take the time they were sent, or closed;
both tables' updated_at are indexed for that search.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from continuum_kit.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_handoff_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("handoff_referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoff_referral_updated_at"), ["updated_at"], unique=False)
    op.execute("UPDATE handoff_referral SET updated_at = COALESCE(closed_at, sent_at)")


def downgrade() -> None:
    with op.batch_alter_table("handoff_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_referral_updated_at"))
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("handoff_handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_handoff_updated_at"))
