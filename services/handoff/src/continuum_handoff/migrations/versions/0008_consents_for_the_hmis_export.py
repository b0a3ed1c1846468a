"""consents for the HMIS export

The terms of each consent intake records (consent.recorded) and its revocation (consent.revoked): the HMIS
export carries an episode's coordinated-entry events only while the person's consent covers it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from continuum_kit.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoff_consent",
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("recipient_categories", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("consent_id"),
    )
    with op.batch_alter_table("handoff_consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_consent_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_consent_episode_id"), ["episode_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_consent_episode_id"))
        batch_op.drop_index(batch_op.f("ix_handoff_consent_person_id"))
    op.drop_table("handoff_consent")
