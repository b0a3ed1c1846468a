"""Matching a person: finds the vault record a contact is about, or makes one, and flags look-alikes for review.

The rule of what matches is ``match_rules.py``; here it is applied through the vault's blind indexes. A weak
match (the same name alone) gets a new record, and a supervisor gets a review row.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from continuum_intake.match_rules import review_reason
from continuum_intake.store import MatchReview, Person
from continuum_intake.vault import Vault

MAX_REVIEWS_PER_CONTACT = 10  # a common name must not flood the review queue
MATCHING_LOCKS = 0x1D7A4E  # the first key of intake's matching locks: its own space, apart from the timer sweeps'


@dataclass(frozen=True)
class Caller:
    """Personal details as the partner sent them; they go into the vault encrypted and nowhere else."""

    name: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    address: str | None = None


def _known(session: Session, phone: str | None, name_birth_date: str | None) -> Person | None:
    """The oldest record with the caller's phone, or else the oldest with their name and date of birth: one query."""
    keys = [(Person.phone_index, phone), (Person.name_birth_date_index, name_birth_date)]
    wanted = [column == value for column, value in keys if value is not None]
    if not wanted:
        return None
    found = session.exec(select(Person).where(or_(*wanted)).order_by(col(Person.created_at))).all()
    by_phone = next((p for p in found if phone is not None and p.phone_index == phone), None)
    return by_phone or next((p for p in found if p.name_birth_date_index == name_birth_date), None)


def _fill_blanks(person: Person, caller: Caller, vault: Vault) -> None:
    """A returning person may tell us what we did not know; what we knew is not overwritten."""
    if person.phone_encrypted is None and caller.phone:
        person.phone_encrypted, person.phone_index = vault.seal(caller.phone), vault.phone_index(caller.phone)
    if person.name_encrypted is None and caller.name:
        person.name_encrypted, person.name_index = vault.seal(caller.name), vault.name_index(caller.name)
    if person.date_of_birth_encrypted is None and caller.date_of_birth:
        person.date_of_birth_encrypted = vault.seal_date(caller.date_of_birth)
    if person.name_birth_date_index is None:
        person.name_birth_date_index = vault.name_birth_date_index(
            vault.unseal(person.name_encrypted), vault.unseal_date(person.date_of_birth_encrypted)
        )
    if person.address_encrypted is None and caller.address:
        person.address_encrypted = vault.seal(caller.address)


def _new_person(caller: Caller, vault: Vault, now: datetime) -> Person:
    return Person(
        name_encrypted=vault.seal(caller.name),
        phone_encrypted=vault.seal(caller.phone),
        date_of_birth_encrypted=vault.seal_date(caller.date_of_birth),
        address_encrypted=vault.seal(caller.address),
        phone_index=vault.phone_index(caller.phone),
        name_birth_date_index=vault.name_birth_date_index(caller.name, caller.date_of_birth),
        name_index=vault.name_index(caller.name),
        created_at=now,
    )


def _reviews(session: Session, person: Person, caller: Caller, now: datetime) -> list[MatchReview]:
    """The records that share the new one's name (asked before it is written): ids, and whether a date of birth
    is known; not whole rows."""
    if person.name_index is None:
        return []
    query = (
        select(col(Person.person_id), col(Person.date_of_birth_encrypted).is_not(None))
        .where(Person.name_index == person.name_index)  # the new record is not written yet: never among them
        .order_by(col(Person.created_at).desc())
        .limit(MAX_REVIEWS_PER_CONTACT)
    )
    candidates = session.exec(query).all()
    return [
        MatchReview(
            person_id=person.person_id,
            candidate_person_id=candidate_id,
            reason=review_reason(caller.date_of_birth is not None, birth_date_known),
            created_at=now,
        )
        for candidate_id, birth_date_known in candidates
    ]


def _hold(session: Session, indexes: list[str | None]) -> None:
    """Two contacts of one person at the same moment are matched one after the other, never side by side.

    On PostgreSQL each of the caller's blind indexes is a transaction-scoped advisory lock, taken in one order
    (so two contacts never wait on each other crosswise) and held until the contact commits: the second contact's
    reads come after the first one's person and episode are committed, and find them. SQLite needs none: every
    transaction is ``BEGIN IMMEDIATE``, so writers take turns and each reads the newest commit.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({int(index[:8], 16) - 2**31 for index in indexes if index is not None}):
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": MATCHING_LOCKS, "key": key})


@dataclass(frozen=True)
class Match:
    person: Person
    new: bool
    """A record made for this contact: no plan, episode or other row can refer to it yet."""


def match_person(session: Session, vault: Vault, caller: Caller, now: datetime) -> Match:
    """The person's vault record, a new one written at once; a new one's reviews are added, written at the next
    flush (with the episode's)."""
    phone, name_birth_date = (
        vault.phone_index(caller.phone),
        vault.name_birth_date_index(caller.name, caller.date_of_birth),
    )
    _hold(session, [phone, name_birth_date, vault.name_index(caller.name)])
    known = _known(session, phone, name_birth_date)
    if known is not None:
        _fill_blanks(known, caller, vault)
        session.add(known)
        return Match(known, new=False)
    person = _new_person(caller, vault, now)
    reviews = _reviews(session, person, caller, now)
    session.add(person)
    session.flush()  # no ORM relationships order the inserts: the record first, then the rows that refer to it
    session.add_all(reviews)
    return Match(person, new=True)
