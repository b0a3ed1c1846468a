"""awaited responses

Triage asks dispatch for a response; until dispatch assigns one (or escalates for want of a team) the episode has a
response coming that followup has not seen yet, and no closure may happen: a follow-up plan started by a quick
handoff could otherwise complete and close the episode before the team was even sent
(``followup_episode.response_awaited``); when no team can go, the wait is the supervisor's no-team escalation's
(``no_team_escalation``) until a team is assigned or the supervisor resolves it. Each live response keeps its type,
so that a returning contact asking for a kind of response already under way (dispatch sends no second one) is not
awaited.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup_episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_awaited", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("no_team_escalation", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table("followup_live_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup_live_response", schema=None) as batch_op:
        batch_op.drop_column("response_type")
    with op.batch_alter_table("followup_episode", schema=None) as batch_op:
        batch_op.drop_column("no_team_escalation")
        batch_op.drop_column("response_awaited")
