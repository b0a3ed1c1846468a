"""How a referral reads over HTTP, for its partner and for a supervisor: its status, result, reminders,
escalation, resolution and owner."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from pydantic import BaseModel

from continuum_handoff.resolution_rules import awaits_a_human
from continuum_handoff.store import Referral


class ReferralOut(BaseModel):
    referral_id: UUID
    episode_id: UUID
    kind: ReferralKind
    to_party: str
    status: TaskStatus
    sent_at: datetime
    hmis_event: str | None
    living_situation: str | None
    result: str | None
    result_date: datetime | None
    reminders_sent: int
    escalated_at: datetime | None
    awaits_supervisor: bool
    resolution: str | None
    resolved_by: str | None
    review_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    replaces: UUID | None
    replaced_by: UUID | None
    owner: str | None
    handed_on_at: datetime | None


def referral_out(referral: Referral) -> ReferralOut:
    shown = referral.model_dump() | {"awaits_supervisor": awaits_a_human(referral)}
    return ReferralOut.model_validate(shown)
