"""Intake's use cases: receive a contact (open and triage its episode) and follow the episode's stage."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import (
    ContactReceivedV1,
    EpisodeClosedV1,
    EpisodeOpenedV1,
    EpisodeTriagedV1,
)
from continuum_contracts.vocabulary import Channel, Need, SafetyFlag, Stage
from continuum_kit.consumer import Handler
from continuum_kit.delivery import UnitOfWork

from continuum_intake.domain import TriageDecision, triage
from continuum_intake.store import Contact, Episode, Person


@dataclass(frozen=True)
class NewContact:
    channel: Channel
    partner_id: str
    safety_flags: set[SafetyFlag]
    needs: set[Need]
    reported_stage: Stage | None = None
    call_type: str | None = None
    name: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    note: str | None = None


def receive_contact(uow: UnitOfWork, new: NewContact) -> tuple[Contact, Episode, TriageDecision]:
    """Store the person in the vault, open and triage an episode, and emit the three events."""
    now = uow.clock.now()
    person = Person(
        name=new.name, phone=new.phone, date_of_birth=new.date_of_birth, address=new.address, created_at=now
    )
    decision = triage(new.channel, new.safety_flags, new.needs, new.reported_stage)
    episode = Episode(
        person_id=person.person_id,
        stage=decision.stage,
        acuity=decision.acuity,
        recommended_response=decision.recommended_response,
        opened_at=now,
    )
    contact = Contact(
        episode_id=episode.episode_id,
        person_id=person.person_id,
        channel=new.channel,
        partner_id=new.partner_id,
        call_type=new.call_type,
        needs=sorted(new.needs),
        safety_flags=sorted(new.safety_flags),
        reasons=decision.reasons,
        note=new.note,
        received_at=now,
    )
    # No ORM relationships tie these rows, so flush parents first for the foreign keys.
    for row in (person, episode, contact):
        uow.session.add(row)
        uow.session.flush()
    episode_id = episode.episode_id
    uow.emit(
        ContactReceivedV1(
            contact_id=contact.contact_id,
            person_id=person.person_id,
            channel=new.channel,
            partner_id=new.partner_id,
            received_at=now,
        ),
        episode_id=episode_id,
    )
    uow.emit(
        EpisodeOpenedV1(person_id=person.person_id, stage=decision.stage, contact_id=contact.contact_id),
        episode_id=episode_id,
    )
    uow.emit(
        EpisodeTriagedV1(
            contact_id=contact.contact_id,
            channel=new.channel,
            stage=decision.stage,
            acuity=decision.acuity,
            needs=sorted(new.needs),
            safety_flags=sorted(new.safety_flags),
            recommended_response=decision.recommended_response,
            police_required=decision.police_required,
            reasons=decision.reasons,
            call_type=new.call_type,
        ),
        episode_id=episode_id,
    )
    return contact, episode, decision


def _episode(uow: UnitOfWork, episode_id: UUID) -> Episode | None:
    return uow.session.get(Episode, episode_id)


def close_episode(uow: UnitOfWork, envelope: Envelope) -> None:
    assert isinstance(envelope.data, EpisodeClosedV1)
    episode = _episode(uow, envelope.episode_id)
    if episode is not None and episode.closed_at is None:
        episode.stage = Stage.CLOSED
        episode.closed_at = envelope.time
        episode.closure_reason = envelope.data.reason
        uow.session.add(episode)


def _move_to(stage: Stage) -> Handler:
    def apply(uow: UnitOfWork, envelope: Envelope) -> None:
        episode = _episode(uow, envelope.episode_id)
        if episode is not None and episode.closed_at is None:
            episode.stage = stage
            uow.session.add(episode)

    return apply


PUBLISHES = ("continuum.contact.received.v1", "continuum.episode.opened.v1", "continuum.episode.triaged.v1")

HANDLERS: dict[str, Handler] = {
    "continuum.episode.closed.v1": close_episode,
    "continuum.placement.reserved.v1": _move_to(Stage.STABILIZATION),
    "continuum.response.resolved.v1": _move_to(Stage.POST_CRISIS),
}
