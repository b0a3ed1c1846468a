"""answered requests

A peer's retry of an attempt or a family contact (the same Idempotency-Key) gets the first answer again:
the kit's table of answered requests.

Revision ID: 0005
Revises: 0004
"""

from alembic import op
from continuum_kit.idempotency import create_answered_request_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_answered_request_table()


def downgrade() -> None:
    op.drop_table("answered_request")
