"""consents and disclosures

The person's consents (HIPAA and 42 CFR Part 2: scope, recipients, purpose, expiry, revocation) and the
audit of every disclosure request under them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from continuum_kit.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_consent",
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("recipient_categories", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("part2", sa.Boolean(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["episode_id"], ["intake_episode.episode_id"]),
        sa.ForeignKeyConstraint(["person_id"], ["intake_person.person_id"]),
        sa.PrimaryKeyConstraint("consent_id"),
    )
    with op.batch_alter_table("intake_consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_consent_person_id"), ["person_id"], unique=False)
    op.create_table(
        "intake_disclosure",
        sa.Column("disclosure_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=64), nullable=False),
        sa.Column("recipient_category", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=128), nullable=True),
        sa.Column("requested", sa.JSON(), nullable=False),
        sa.Column("released", sa.JSON(), nullable=False),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("consent_ids", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("disclosed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["episode_id"], ["intake_episode.episode_id"]),
        sa.ForeignKeyConstraint(["person_id"], ["intake_person.person_id"]),
        sa.PrimaryKeyConstraint("disclosure_id"),
    )
    with op.batch_alter_table("intake_disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_disclosure_episode_id"), ["episode_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intake_disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_disclosure_episode_id"))
    op.drop_table("intake_disclosure")
    with op.batch_alter_table("intake_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_consent_person_id"))
    op.drop_table("intake_consent")
