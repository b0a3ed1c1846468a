"""Receiving a contact: match the person, triage, open or rejoin their episode, and emit the events.

Every stage a contact decides is decided here: a new episode, a rejoin, a reopening past the acute stage,
and renewed risk that a follow-up check-in found. Stages other services decide: ``stage_records.py``.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from continuum_contracts.events import (
    ContactReceivedV1,
    CrisisPreferences,
    EpisodeOpenedV1,
    EpisodeReopenedV1,
    EpisodeTriagedV1,
)
from continuum_contracts.vocabulary import Channel, Need, SafetyFlag, Stage
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_intake.coarse_location import Location, area_of, grid_of
from continuum_intake.matching import Caller, match_person
from continuum_intake.parts import IntakeParts
from continuum_intake.stage_rules import rejoin
from continuum_intake.store import Contact, CrisisPlan, Episode, Person
from continuum_intake.triage import Situation, TriageDecision, triage, with_preferences

FOLLOWUP_PARTNER = "followup-peers"  # the partner id a renewed-risk contact is recorded under


@dataclass(frozen=True)
class NewContact:
    channel: Channel
    partner_id: str
    safety_flags: frozenset[SafetyFlag] = frozenset()
    needs: frozenset[Need] = frozenset()
    reported_stage: Stage | None = None
    call_type: str | None = None
    caller: Caller = Caller()
    location: Location | None = None
    place: str | None = None  # an address as the partner described the place: PHI
    note: str | None = None
    demographics: dict[str, str] = field(default_factory=dict)
    partner_codes: dict[str, str | int] = field(default_factory=dict)
    answered_after_seconds: int | None = None


def _preferences_of(session: Session, person_id: UUID) -> CrisisPreferences | None:
    plan = session.get(CrisisPlan, person_id)
    if plan is None:
        return None
    return CrisisPreferences(
        peer_preferred=plan.peer_preferred,
        language=plan.language,
        preferred_place=plan.preferred_place,
        helps=plan.helps,
        avoid=plan.avoid,
    )


def _open_episode_of(session: Session, person_id: UUID) -> Episode | None:
    """The person's open episode, locked until the contact commits, so that a closure recorded at the same
    moment (``stage_records.py`` locks the row too) comes wholly before the join or wholly after it. On
    PostgreSQL a row closed while we waited no longer matches ``closed_at IS NULL``: the contact opens a new one."""
    query = (
        select(Episode)
        .where(Episode.person_id == person_id, col(Episode.closed_at).is_(None))
        .order_by(col(Episode.opened_at).desc())
        .with_for_update()
    )
    return session.exec(query).first()


def _sealed_location(parts: IntakeParts, new: NewContact) -> str | None:
    if new.location is None and new.place is None:
        return None
    where = {"address": new.place}
    if new.location is not None:
        where |= {
            "latitude": new.location.latitude,
            "longitude": new.location.longitude,
            "uncertainty_m": new.location.uncertainty_m,
        }
    return parts.vault.seal(json.dumps(where))


def _at_decision(episode: Episode | None, person_id: UUID, decision: TriageDecision, now: datetime) -> Episode:
    """The person's open episode moved to the new decision, or a new episode at it."""
    if episode is None:
        episode = Episode(
            person_id=person_id,
            stage=decision.stage,
            acuity=decision.acuity,
            recommended_response=decision.recommended_response,
            opened_at=now,
        )
    else:
        episode.stage = decision.stage
        episode.acuity = decision.acuity
        episode.recommended_response = decision.recommended_response
    return episode


def _contact(
    parts: IntakeParts, new: NewContact, episode: Episode, decision: TriageDecision, joined: bool, now: datetime
) -> Contact:
    return Contact(
        episode_id=episode.episode_id,
        person_id=episode.person_id,
        channel=new.channel,
        partner_id=new.partner_id,
        call_type=new.call_type,
        partner_codes=new.partner_codes,
        needs=sorted(new.needs),
        safety_flags=sorted(new.safety_flags),
        demographics=new.demographics,
        stage=decision.stage,
        acuity=decision.acuity,
        recommended_response=decision.recommended_response,
        police_required=decision.police_required,
        reasons=decision.reasons,
        program=parts.programs.get(new.channel),
        area=area_of(new.location, parts.areas) if new.location else None,
        grid=grid_of(new.location) if new.location else None,
        joined=joined,
        location_encrypted=_sealed_location(parts, new),
        note_encrypted=parts.vault.seal(new.note),
        answered_after_seconds=new.answered_after_seconds,
        received_at=now,
    )


def receive_contact(uow: UnitOfWork, parts: IntakeParts, new: NewContact) -> Contact:
    """Match the person in the vault, triage, open an episode or rejoin their open one, and emit the events."""
    match = match_person(uow.session, parts.vault, new.caller, uow.clock.now())
    return _receive(uow, parts, new, match.person, new_person=match.new)


def receive_renewed_risk(
    uow: UnitOfWork, parts: IntakeParts, episode_id: UUID, safety_flags: list[SafetyFlag], needs: list[Need]
) -> None:
    """A peer's check-in found renewed risk: a new contact on the same open episode, triaged like any other."""
    episode = uow.session.get(Episode, episode_id, with_for_update=True)
    if episode is None or episode.closed_at is not None:
        return
    person = uow.session.get(Person, episode.person_id)
    new = NewContact(
        channel=Channel.FOLLOWUP_CHECKIN,
        partner_id=FOLLOWUP_PARTNER,
        safety_flags=frozenset(safety_flags),
        needs=frozenset(needs),
    )
    _receive(uow, parts, new, person)


def _receive(
    uow: UnitOfWork, parts: IntakeParts, new: NewContact, person: Person, *, new_person: bool = False
) -> Contact:
    """A person just added has no plan and no episode yet: neither is looked for."""
    now, session = uow.clock.now(), uow.session
    preferences = None if new_person else _preferences_of(session, person.person_id)
    situation = Situation(new.channel, new.safety_flags, new.needs, new.reported_stage)
    decision = with_preferences(triage(parts.rules, situation), preferences)
    open_episode = None if new_person else _open_episode_of(session, person.person_id)
    previous_stage = Stage(open_episode.stage) if open_episode is not None else None
    episode = _at_decision(open_episode, person.person_id, decision, now)
    session.add(episode)
    session.flush()  # no ORM relationships order the inserts: the episode first, then its contact
    contact = _contact(parts, new, episode, decision, previous_stage is not None, now)
    session.add(contact)
    session.flush()  # and the contact before what refers to it (a partner's CloudEvent id)
    _emit(uow, contact, episode, previous_stage, preferences)
    return contact


def _emit(
    uow: UnitOfWork,
    contact: Contact,
    episode: Episode,
    previous_stage: Stage | None,
    preferences: CrisisPreferences | None,
) -> None:
    """contact.received, then episode.opened for a new episode or episode.reopened for one past acute,
    then episode.triaged."""
    episode_id = episode.episode_id
    uow.emit(
        ContactReceivedV1(
            contact_id=contact.contact_id,
            person_id=contact.person_id,
            channel=Channel(contact.channel),
            partner_id=contact.partner_id,
            received_at=contact.received_at,
            answered_after_seconds=contact.answered_after_seconds,
        ),
        episode_id=episode_id,
    )
    if previous_stage is None:
        opened = EpisodeOpenedV1(person_id=contact.person_id, stage=Stage(contact.stage), contact_id=contact.contact_id)
        uow.emit(opened, episode_id=episode_id)
    elif (moved := rejoin(previous_stage, Stage(contact.stage))).reopened:
        reopened = EpisodeReopenedV1(contact_id=contact.contact_id, previous_stage=previous_stage, stage=moved.stage)
        uow.emit(reopened, episode_id=episode_id)
    uow.emit(_triaged_event(contact, preferences), episode_id=episode_id)


def _triaged_event(contact: Contact, preferences: CrisisPreferences | None) -> EpisodeTriagedV1:
    """Codes only: the area and a ~5 km grid cell of the incident, never its coordinates or address."""
    return EpisodeTriagedV1(
        contact_id=contact.contact_id,
        channel=Channel(contact.channel),
        stage=Stage(contact.stage),
        acuity=contact.acuity,
        needs=contact.needs,
        safety_flags=contact.safety_flags,
        recommended_response=contact.recommended_response,
        police_required=contact.police_required,
        reasons=contact.reasons,
        call_type=contact.call_type,
        program=contact.program,
        area=contact.area,
        grid=contact.grid,
        preferences=preferences,
        demographics=contact.demographics,
        returning=contact.joined,
    )
