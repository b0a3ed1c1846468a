"""partner accounts

Peer teams authenticate with their own secret (the kit's partner accounts); a check-in is recorded
only by the peer team it is assigned to.

Revision ID: 0003
Revises: 0002
"""

from continuum_kit.partners import create_partner_table, drop_partner_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_partner_table()


def downgrade() -> None:
    drop_partner_table()
