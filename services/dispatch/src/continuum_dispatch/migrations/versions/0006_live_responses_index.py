"""live responses index

Choosing a team counts each team's live responses; an index on (status, responder) lets that count read the
responses under way only, so that its cost stays flat however many finished responses the county has stored.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dispatch_response_live", "dispatch_response", ["status", "responder_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dispatch_response_live", table_name="dispatch_response")
