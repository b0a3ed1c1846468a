"""Who may move or read a handoff or referral: the guards on their path parameters, checked before the body.

Only the partner a handoff or referral is addressed to (``to_party``) may move it or ask for its
disclosure. Reads are scoped the same way: county IT (the admin token) reads everything; a partner
reads a handoff it is addressed to or comes from (``from_party``: the mobile team's responder id, or
a diversion's referring program, once county IT registers an account of that id here) and a referral
addressed to it; an episode's list holds only those, and is 403 to a partner party to none of them.
An unknown handoff or referral is 404, told only to a signed-in caller; any refusal changes nothing.
"""

from typing import Annotated, NoReturn, TypeVar
from uuid import UUID

from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import Caller, CallerDep, PartnerCredentials, signed_in_partner
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, or_, select

from continuum_handoff.store import Handoff, Referral

T = TypeVar("T", bound=SQLModel)
HANDOFF_ADDRESSEE = "the partner the handoff is addressed to"
REFERRAL_ADDRESSEE = "the partner the referral is addressed to"
HANDOFF_READERS = "county IT, or the partner the handoff is addressed to or comes from"
REFERRAL_READERS = "county IT, or the partner the referral is addressed to"
EPISODE_HANDOFF_READERS = "county IT, or a partner one of the episode's handoffs is addressed to or comes from"
EPISODE_REFERRAL_READERS = "county IT, or a partner one of the episode's referrals is addressed to"


def _found(engine: Engine, table: type[T], key: UUID, what: str) -> T:
    # A session of its own, closed at once, as the kit's partner check does: on SQLite an open one would
    # hold the lock the request's unit of work needs. A handoff or referral never changes its parties.
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(table, key)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")
    return row


def _refuse(message: str, **named: str) -> NoReturn:
    raise HTTPException(status.HTTP_403_FORBIDDEN, detail={"message": message, **named})


def _addressee(what: str, to_party: str, partner_id: str) -> None:
    if to_party != partner_id:
        _refuse(f"{what} is addressed to {to_party}, not {partner_id}", addressed_to=to_party)


@guard(PARTNER, scope=HANDOFF_ADDRESSEE, resource="handoff_id")
def handoff_addressee(handoff_id: UUID, credentials: PartnerCredentials, runtime: RuntimeDep) -> Handoff:
    """The handoff, when the signed-in partner (401 first) is its addressee."""
    partner_id = signed_in_partner(credentials, runtime)
    handoff = _found(runtime.reader, Handoff, handoff_id, f"handoff {handoff_id}")
    _addressee(f"handoff {handoff_id}", handoff.to_party, partner_id)
    return handoff


@guard(PARTNER, scope=REFERRAL_ADDRESSEE, resource="referral_id")
def referral_addressee(referral_id: UUID, credentials: PartnerCredentials, runtime: RuntimeDep) -> Referral:
    """The referral, when the signed-in partner (401 first) is its addressee."""
    partner_id = signed_in_partner(credentials, runtime)
    referral = _found(runtime.reader, Referral, referral_id, f"referral {referral_id}")
    _addressee(f"referral {referral_id}", referral.to_party, partner_id)
    return referral


def _not_a_reader(what: str, caller: Caller, needs: str) -> NoReturn:
    # The addressee is not named: to an outsider, where a person went is itself about the person.
    _refuse(f"reading {what} needs {needs}; {caller.partner_id} is neither", needs=needs)


@guard(PARTNER, ADMIN, scope=HANDOFF_READERS, resource="handoff_id")
def readable_handoff(handoff_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> Handoff:
    handoff = _found(runtime.reader, Handoff, handoff_id, f"handoff {handoff_id}")
    if not caller.county_it and caller.partner_id not in (handoff.to_party, handoff.from_party):
        _not_a_reader(f"handoff {handoff_id}", caller, HANDOFF_READERS)
    return handoff


@guard(PARTNER, ADMIN, scope=REFERRAL_READERS, resource="referral_id")
def readable_referral(referral_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> Referral:
    referral = _found(runtime.reader, Referral, referral_id, f"referral {referral_id}")
    if not caller.county_it and caller.partner_id != referral.to_party:
        _not_a_reader(f"referral {referral_id}", caller, REFERRAL_READERS)
    return referral


@guard(PARTNER, ADMIN, scope=EPISODE_HANDOFF_READERS)
def episode_handoffs(episode_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> list[Handoff]:
    """The episode's handoffs the caller may read, oldest first: all of them for county IT."""
    query = select(Handoff).where(Handoff.episode_id == episode_id)
    if not caller.county_it:
        query = query.where(or_(Handoff.to_party == caller.partner_id, Handoff.from_party == caller.partner_id))
    with Session(runtime.reader, expire_on_commit=False) as session:
        handoffs = list(session.exec(query.order_by(col(Handoff.requested_at))).all())
    if not handoffs and not caller.county_it:
        _not_a_reader(f"the handoffs of episode {episode_id}", caller, EPISODE_HANDOFF_READERS)
    return handoffs


@guard(PARTNER, ADMIN, scope=EPISODE_REFERRAL_READERS)
def episode_referrals(episode_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> list[Referral]:
    """The episode's referrals the caller may read, oldest first: all of them for county IT."""
    query = select(Referral).where(Referral.episode_id == episode_id)
    if not caller.county_it:
        query = query.where(Referral.to_party == caller.partner_id)
    with Session(runtime.reader, expire_on_commit=False) as session:
        referrals = list(session.exec(query.order_by(col(Referral.sent_at))).all())
    if not referrals and not caller.county_it:
        _not_a_reader(f"the referrals of episode {episode_id}", caller, EPISODE_REFERRAL_READERS)
    return referrals


AddressedHandoff = Annotated[Handoff, Depends(handoff_addressee)]
AddressedReferral = Annotated[Referral, Depends(referral_addressee)]
ReadableHandoff = Annotated[Handoff, Depends(readable_handoff)]
ReadableReferral = Annotated[Referral, Depends(readable_referral)]
EpisodeHandoffs = Annotated[list[Handoff], Depends(episode_handoffs)]
EpisodeReferrals = Annotated[list[Referral], Depends(episode_referrals)]
