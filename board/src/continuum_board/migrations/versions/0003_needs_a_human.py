"""needs a human

The supervisor's queue (items raised by escalating events, acknowledged and resolved), its audit, referrals, and
dispatch's roster of teams and places as last read over HTTP.

Revision ID: 0003
Revises: 0002
"""

import continuum_kit.db
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Code = sqlmodel.sql.sqltypes.AutoString
Time = continuum_kit.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "board_escalation",
        sa.Column("escalation_id", Code(length=100), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("kind", Code(length=32), nullable=False),
        sa.Column("reason", Code(length=64), nullable=False),
        sa.Column("subject_id", Code(length=64), nullable=True),
        sa.Column("party", Code(length=64), nullable=True),
        sa.Column("raised_at", Time(timezone=True), nullable=False),
        sa.Column("state", Code(length=16), nullable=False),
        sa.Column("acknowledged_by", Code(length=64), nullable=True),
        sa.Column("acknowledged_at", Time(timezone=True), nullable=True),
        sa.Column("resolved_by", Code(length=64), nullable=True),
        sa.Column("resolved_at", Time(timezone=True), nullable=True),
        sa.Column("resolution", Code(length=64), nullable=True),
        sa.Column("to_party", Code(length=64), nullable=True),
        sa.Column("updated_at", Time(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("escalation_id"),
    )
    with op.batch_alter_table("board_escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_escalation_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_board_escalation_state"), ["state"], unique=False)

    op.create_table(
        "board_audit",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("operator", Code(length=64), nullable=False),
        sa.Column("action", Code(length=16), nullable=False),
        sa.Column("escalation_id", Code(length=100), nullable=False),
        sa.Column("outcome", Code(length=32), nullable=False),
        sa.Column("resolution", Code(length=64), nullable=True),
        sa.Column("event_id", Code(length=100), nullable=True),
        sa.Column("at", Time(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("board_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_audit_escalation_id"), ["escalation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_board_audit_operator"), ["operator"], unique=False)

    op.create_table(
        "board_referral",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("kind", Code(length=32), nullable=True),
        sa.Column("to_party", Code(length=64), nullable=True),
        sa.Column("status", Code(length=16), nullable=False),
        sa.Column("state", Code(length=16), nullable=False),
        sa.Column("sent_at", Time(timezone=True), nullable=True),
        sa.Column("replaces", sa.Uuid(), nullable=True),
        sa.Column("result", Code(length=64), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("owner", Code(length=64), nullable=True),
        sa.Column("review_at", Time(timezone=True), nullable=True),
        sa.Column("reason", Code(length=64), nullable=True),
        sa.Column("updated_at", Time(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    with op.batch_alter_table("board_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_referral_episode_id"), ["episode_id"], unique=False)

    op.create_table(
        "board_roster_team",
        sa.Column("responder_id", Code(length=64), nullable=False),
        sa.Column("kind", Code(length=32), nullable=True),
        sa.Column("status", Code(length=32), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("active_responses", sa.Integer(), nullable=False),
        sa.Column("fetched_at", Time(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("responder_id"),
    )
    op.create_table(
        "board_roster_place",
        sa.Column("place_id", Code(length=64), nullable=False),
        sa.Column("place_type", Code(length=32), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("accepting", sa.Boolean(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("fetched_at", Time(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("place_id"),
    )


def downgrade() -> None:
    op.drop_table("board_roster_place")
    op.drop_table("board_roster_team")
    with op.batch_alter_table("board_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_referral_episode_id"))
    op.drop_table("board_referral")
    with op.batch_alter_table("board_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_audit_operator"))
        batch_op.drop_index(batch_op.f("ix_board_audit_escalation_id"))
    op.drop_table("board_audit")
    with op.batch_alter_table("board_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_escalation_state"))
        batch_op.drop_index(batch_op.f("ix_board_escalation_episode_id"))
    op.drop_table("board_escalation")
