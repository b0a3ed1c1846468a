"""team drop-out timers

An acknowledged or en-route team that stops answering is replaced when its progress is due; a response
whose team went offline with nobody to take it over is marked and tried again at its handover time.

Revision ID: 0005
Revises: 0004
"""

import continuum_kit.db
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispatch_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress_due", continuum_kit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dropped_out", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("handover_due", continuum_kit.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_dispatch_response_progress_due"), ["progress_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_dispatch_response_handover_due"), ["handover_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dispatch_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_response_handover_due"))
        batch_op.drop_index(batch_op.f("ix_dispatch_response_progress_due"))
        batch_op.drop_column("handover_due")
        batch_op.drop_column("dropped_out")
        batch_op.drop_column("progress_due")
