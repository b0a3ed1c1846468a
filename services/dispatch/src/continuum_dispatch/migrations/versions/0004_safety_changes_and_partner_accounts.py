"""safety changes and partner accounts

A team's app and a police unit authenticate with their own secret (the kit's partner accounts); a team
reports a change of safety on its response, and dispatch sends a backup (a response that backs up another)
or a team a partner on scene asked for; a deflection corrected after a safety change says when.

Revision ID: 0004
Revises: 0003
"""

import continuum_kit.db
import sqlalchemy as sa
import sqlmodel
from alembic import op
from continuum_kit.partners import create_partner_table, drop_partner_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_partner_table()
    op.create_table(
        "dispatch_safety_change",
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reported_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("backup_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("backup_response_id", sa.Uuid(), nullable=True),
        sa.Column("peer_stepped_back", sa.Boolean(), nullable=False),
        sa.Column("deflection_corrected", sa.Boolean(), nullable=False),
        sa.Column("at", continuum_kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["dispatch_response.response_id"]),
        sa.PrimaryKeyConstraint("response_id", "change"),
    )
    # recreate="never" makes SQLite alter in place (a table copy would trip the foreign keys on it).
    with op.batch_alter_table("dispatch_response", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("backs_up", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table("dispatch_deflection", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("corrected_at", continuum_kit.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispatch_deflection", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("corrected_at")
    with op.batch_alter_table("dispatch_response", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("requested_by")
        batch_op.drop_column("backs_up")
    op.drop_table("dispatch_safety_change")
    drop_partner_table()
