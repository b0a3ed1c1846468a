"""Deciding a disclosure: which requested categories the person's active consents cover, the released record
built from them, and the audit of every answer (refusals too). The record goes back over HTTP, never on Kafka.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from continuum_contracts.events import DisclosureRecordedV1
from continuum_contracts.vocabulary import DataCategory
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_intake.consent_recording import consents_of, episode_of
from continuum_intake.consent_rules import Decision, Request, decide
from continuum_intake.part2_release import needs_released, notes_released_under
from continuum_intake.store import Contact, CrisisPlan, Disclosure, Episode, Person
from continuum_intake.vault import Vault

PLAN_FIELDS = ("peer_preferred", "language", "preferred_place", "helps", "avoid")


@dataclass(frozen=True)
class Disclosed:
    """The audit row, the decision per category, and the released record (None when nothing was covered)."""

    disclosure: Disclosure
    decision: Decision
    record: dict[str, Any] | None


def disclose(
    uow: UnitOfWork, vault: Vault, episode_id: UUID, request: Request, requested_by: str, basis: str | None
) -> Disclosed:
    episode = episode_of(uow.session, episode_id)
    decision = decide(request, consents_of(uow.session, episode.person_id), uow.clock.now())
    disclosure = _audit(uow, episode, requested_by, request, basis, decision)
    record = _record(uow.session, vault, episode, decision) if decision.covered else None
    return Disclosed(disclosure, decision, record)


def _note(vault: Vault, contact: Contact) -> dict[str, Any]:
    return {
        "contact_id": str(contact.contact_id),
        "received_at": contact.received_at.isoformat(),
        "note": vault.unseal(contact.note_encrypted),
    }


def _notes(vault: Vault, category: DataCategory, contacts: list[Contact]) -> list[dict[str, Any]]:
    return [_note(vault, c) for c in notes_released_under(category, contacts) if c.note_encrypted]


def _record(session: Session, vault: Vault, episode: Episode, decision: Decision) -> dict[str, Any]:
    """The released categories of the person's record, and nothing else."""
    person = session.get(Person, episode.person_id)
    assert person is not None
    query = select(Contact).where(Contact.episode_id == episode.episode_id).order_by(col(Contact.received_at))
    contacts = list(session.exec(query).all())
    record: dict[str, Any] = {}
    for category in decision.covered:
        if category is DataCategory.IDENTITY:
            birth = vault.unseal_date(person.date_of_birth_encrypted)
            name = vault.unseal(person.name_encrypted)
            record[category] = {"name": name, "date_of_birth": birth.isoformat() if birth else None}
        elif category is DataCategory.CONTACT_DETAILS:
            phone, address = vault.unseal(person.phone_encrypted), vault.unseal(person.address_encrypted)
            record[category] = {"phone": phone, "address": address}
        elif category is DataCategory.NEEDS:
            record[category] = needs_released(contacts)
        elif category is DataCategory.CRISIS_PLAN:
            plan = session.get(CrisisPlan, person.person_id)
            record[category] = plan.model_dump(mode="json", include=set(PLAN_FIELDS)) if plan else None
        elif category is DataCategory.NOTES:
            record[category] = _notes(vault, category, contacts)
        elif category is DataCategory.SUBSTANCE_USE:
            substance_use = notes_released_under(category, contacts)
            record[category] = {"substance_use_need": bool(substance_use), "notes": _notes(vault, category, contacts)}
    return record


def _audit(
    uow: UnitOfWork, episode: Episode, requested_by: str, request: Request, basis: str | None, decision: Decision
) -> Disclosure:
    outcome = "released" if decision.covered else "refused"
    disclosure = Disclosure(
        episode_id=episode.episode_id,
        person_id=episode.person_id,
        requested_by=requested_by,
        recipient=request.recipient,
        recipient_category=request.recipient_category,
        purpose=request.purpose,
        basis=basis,
        requested=list(dict.fromkeys(request.categories)),
        released=list(decision.covered),
        withheld=list(decision.withheld),
        consent_ids=[str(c.consent_id) for c in decision.consents],
        outcome=outcome,
        disclosed_at=uow.clock.now(),
    )
    uow.session.add(disclosure)
    uow.session.flush()
    uow.emit(
        DisclosureRecordedV1(
            disclosure_id=disclosure.disclosure_id,
            recipient=request.recipient,
            purpose=request.purpose,
            released=list(decision.covered),
            withheld=list(decision.withheld),
            consent_ids=[c.consent_id for c in decision.consents],
            outcome=outcome,
        ),
        episode_id=episode.episode_id,
    )
    return disclosure
