"""The supervisor's queue at handoff (county IT's admin token): referrals that escalated and are still open,
and open handoffs that escalated (not accepted, or accepted and not completed in time)."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.partners import AdminOnly
from continuum_kit.service import SessionDep
from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import col, or_, select

from continuum_handoff.api.referral_views import ReferralOut, referral_out
from continuum_handoff.domain import CANCELLABLE
from continuum_handoff.store import Handoff, Referral

router = APIRouter(tags=["supervisor"])


class EscalatedHandoffOut(BaseModel):
    handoff_id: UUID
    episode_id: UUID
    kind: str | None
    to_party: str
    status: TaskStatus
    requested_at: datetime
    accepted_at: datetime | None
    escalated_at: datetime | None
    complete_by: datetime | None
    stalled_at: datetime | None


class EscalationsOut(BaseModel):
    referrals: list[ReferralOut]
    handoffs: list[EscalatedHandoffOut]


@router.get(
    "/escalations",
    response_model=EscalationsOut,
    dependencies=[AdminOnly],
    responses={401: {"description": "missing or wrong admin token"}, 503: {"description": "admin API disabled"}},
)
def get_escalations(session: SessionDep) -> EscalationsOut:
    """Everything of handoff's that escalated and is still open, oldest first; it leaves only when it ends."""
    referrals = select(Referral).where(Referral.status == TaskStatus.REQUESTED, col(Referral.escalated_at).is_not(None))
    handoffs = select(Handoff).where(
        col(Handoff.status).in_(CANCELLABLE),
        or_(col(Handoff.escalated_at).is_not(None), col(Handoff.stalled_at).is_not(None)),
    )
    return EscalationsOut(
        referrals=[referral_out(r) for r in session.exec(referrals.order_by(col(Referral.sent_at))).all()],
        handoffs=[
            EscalatedHandoffOut.model_validate(h, from_attributes=True)
            for h in session.exec(handoffs.order_by(col(Handoff.requested_at))).all()
        ],
    )
