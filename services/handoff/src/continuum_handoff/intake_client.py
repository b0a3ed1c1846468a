"""Disclosure to a receiving partner: handoff vouches for the relationship, intake decides under consent.

A partner that receives a person (a handoff addressed to it) or a referral (housing coordinated entry)
may need some of the person's record. Handoff knows who is addressed and in what role; intake holds
the record and the person's consents. So handoff checks the caller is the addressee of a live handoff
or referral, names the recipient's category from that relationship, and asks intake over an
authenticated HTTP call; the answer, PHI included, goes back to the partner in the HTTP response and is
neither stored nor logged here, nor put on Kafka.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory, ReferralKind, TaskStatus

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import PRE_ARREST_DIVERSION, require_addressee
from continuum_handoff.store import Handoff, Referral

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


class RelationshipEnded(Exception):
    def __init__(self, status: TaskStatus) -> None:
        super().__init__(f"the task is {status}")
        self.status = status


class DisclosuresOff(Exception):
    """Handoff has no credentials at intake."""


class IntakeUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    """Intake's answer, passed to the partner unchanged: its HTTP status and JSON body."""

    status_code: int
    body: Any


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


def ask_intake(
    settings: HandoffSettings,
    relationship: Relationship,
    categories: list[DataCategory],
    purpose: DisclosurePurpose,
    transport: httpx.BaseTransport | None = None,
) -> Answer:
    if settings.intake_secret is None:
        raise DisclosuresOff
    body = {
        "episode_id": str(relationship.episode_id),
        "recipient": relationship.recipient,
        "recipient_category": relationship.category,
        "purpose": purpose,
        "categories": categories,
        "basis": relationship.basis,
    }
    auth = (settings.intake_partner_id, settings.intake_secret.get_secret_value())
    try:
        with httpx.Client(base_url=settings.intake_url, auth=auth, timeout=10.0, transport=transport) as client:
            response = client.post("/v1/disclosures", json=body)
    except httpx.TransportError as error:
        raise IntakeUnavailable from error
    if response.status_code >= 500:
        raise IntakeUnavailable
    return Answer(response.status_code, response.json())
