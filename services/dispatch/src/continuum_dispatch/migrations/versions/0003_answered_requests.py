"""answered requests

A team app's retry of a task (the same Idempotency-Key) gets the first answer again: the kit's table of
answered requests.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
from continuum_kit.idempotency import create_answered_request_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_answered_request_table()


def downgrade() -> None:
    op.drop_table("answered_request")
