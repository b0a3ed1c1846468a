"""A partner's relationship to the person: vouched for by a live handoff or referral addressed to it.

Pure, no I/O. Handoff knows who is addressed and in what role; from that it names the recipient's
category and the basis on which intake may disclose (intake alone decides, under the person's consent).
"""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from continuum_contracts.vocabulary import RecipientCategory, ReferralKind, TaskStatus

from continuum_handoff.domain import PRE_ARREST_DIVERSION, require_addressee

ENDED = frozenset({TaskStatus.REJECTED, TaskStatus.CANCELLED, TaskStatus.FAILED})
PLACE_CATEGORIES = {
    "team_to_peer_respite": RecipientCategory.PEER_RESPITE,
    "team_to_stabilization_unit": RecipientCategory.STABILIZATION,
    "team_to_23_hour_bed": RecipientCategory.STABILIZATION,
    "team_to_detox": RecipientCategory.TREATMENT,
    PRE_ARREST_DIVERSION: RecipientCategory.CARE_NAVIGATION,
}
REFERRAL_CATEGORIES = {
    ReferralKind.HOUSING_COORDINATED_ENTRY: RecipientCategory.HOUSING,
    ReferralKind.TREATMENT: RecipientCategory.TREATMENT,
}


class Handoff(Protocol):
    """What the rules read of a stored handoff (store.Handoff), so that they need no database."""

    handoff_id: UUID
    episode_id: UUID
    to_party: str
    status: str
    kind: str | None


class Referral(Protocol):
    """What the rules read of a stored referral (store.Referral)."""

    referral_id: UUID
    episode_id: UUID
    to_party: str
    status: str
    kind: str


class RelationshipEnded(Exception):
    def __init__(self, status: TaskStatus) -> None:
        super().__init__(f"the task is {status}")
        self.status = status


@dataclass(frozen=True)
class Relationship:
    episode_id: UUID
    recipient: str
    category: RecipientCategory | None
    basis: str


def for_handoff(handoff: Handoff, partner_id: str) -> Relationship:
    require_addressee(handoff.to_party, partner_id)
    if TaskStatus(handoff.status) in ENDED:
        raise RelationshipEnded(TaskStatus(handoff.status))
    category = PLACE_CATEGORIES.get(handoff.kind or "")
    return Relationship(handoff.episode_id, partner_id, category, f"handoff:{handoff.handoff_id}")


def for_referral(referral: Referral, partner_id: str) -> Relationship:
    require_addressee(referral.to_party, partner_id)
    if TaskStatus(referral.status) in ENDED:
        raise RelationshipEnded(TaskStatus(referral.status))
    category = REFERRAL_CATEGORIES.get(ReferralKind(referral.kind))
    return Relationship(referral.episode_id, partner_id, category, f"referral:{referral.referral_id}")
