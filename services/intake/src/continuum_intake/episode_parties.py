"""Which partners are party to a person's episodes: those with a record of their own on them.

A partner is party to an episode when it posted a contact to it, recorded or revoked a consent on it, or
asked for a disclosure from it. What a partner may read of an episode, a person's crisis plan or their
consents follows from it (``api/resource_guards.py``); county IT reads everything.
"""

from uuid import UUID

from sqlmodel import Session, select

from continuum_intake.store import Consent, Contact, Disclosure

# Each record that names a partner on an episode, by the column that names it.
_RECORDS = (
    (Contact, Contact.partner_id),
    (Consent, Consent.recorded_by),
    (Consent, Consent.revoked_by),
    (Disclosure, Disclosure.requested_by),
)


def episodes_party_to(session: Session, partner_id: str, person_id: UUID) -> set[UUID]:
    """The person's episodes on which the partner has a record of its own."""
    found: set[UUID] = set()
    for table, by in _RECORDS:
        query = select(table.episode_id).where(by == partner_id, table.person_id == person_id)
        found |= set(session.exec(query).all())
    return found
