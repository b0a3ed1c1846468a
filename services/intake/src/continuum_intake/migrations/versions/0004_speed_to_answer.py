"""speed to answer

A contact keeps how long the person waited before someone answered, as the answering line reported it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intake_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_after_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_contact", schema=None) as batch_op:
        batch_op.drop_column("answered_after_seconds")
