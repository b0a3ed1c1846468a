"""timer indexes

The quiet-period sweep (open plans whose ``quiet_due`` has passed) and the overdue sweep (check-ins whose
``overdue_at`` has passed) read their due rows from an index on the timer column, instead of scanning every plan
and check-in the county has stored: a sweep's cost grows with what is due, not with the episodes kept.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_followup_plan_quiet_due", "followup_plan", ["quiet_due"], unique=False)
    op.create_index("ix_followup_checkin_overdue_at", "followup_checkin", ["overdue_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_followup_checkin_overdue_at", table_name="followup_checkin")
    op.drop_index("ix_followup_plan_quiet_due", table_name="followup_plan")
