"""Handoff's HTTP client to intake: asks intake to disclose a person's record to a vouched-for partner.

A partner that receives a person (a handoff addressed to it) or a referral (housing coordinated entry)
may need some of the person's record. Intake holds the record and the person's consents, so handoff
asks it over an authenticated HTTP call, naming the relationship (relationships.py); the answer, PHI
included, goes back to the partner in the HTTP response and is neither stored nor logged here, nor put
on Kafka.
"""

from dataclasses import dataclass
from typing import Any

import httpx
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose

from continuum_handoff.config import HandoffSettings
from continuum_handoff.relationships import Relationship


class DisclosuresOff(Exception):
    """Handoff has no credentials at intake."""


class IntakeUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    """Intake's answer, passed to the partner unchanged: its HTTP status and JSON body."""

    status_code: int
    body: Any


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
