"""Who may act on one episode, one person's crisis plan or one consent: checked on the path parameter, so
before the body is read, and an unknown one (404) is told only to a signed-in caller.

County IT reads and records everything. A partner, besides its registration for the kind of record, must
be party to what it asks about (``episode_parties``): reads are scoped as writes are.
"""

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from sqlmodel import Session

from continuum_intake.api.auth import Caller, CallerDep, ConsentRecorderDep, PlanRecorderDep, refused
from continuum_intake.episode_parties import episodes_party_to
from continuum_intake.store import Consent, CrisisPlan, Episode, Person

PARTY = "posted a contact to it, recorded or revoked a consent on it, or asked for a disclosure from it"


@dataclass(frozen=True)
class Party:
    """The caller, and the episodes of the person it may see (None: all of them, for county IT)."""

    caller: Caller
    episodes: frozenset[UUID] | None

    def sees(self, episode_id: UUID) -> bool:
        return self.episodes is None or episode_id in self.episodes


def _not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def _party(session: Session, caller: Caller, person_id: UUID) -> Party:
    if caller.partner is None:
        return Party(caller, None)
    return Party(caller, frozenset(episodes_party_to(session, caller.partner.partner_id, person_id)))


def _party_to_episode(runtime: RuntimeDep, caller: Caller, episode_id: UUID) -> Party:
    # A session of its own, closed at once: on SQLite an open one would hold the lock the request's unit of
    # work needs. A record naming a partner on an episode is never removed, so the answer holds.
    with Session(runtime.reader) as session:
        episode = session.get(Episode, episode_id)
        if episode is None:
            raise _not_found(f"episode {episode_id}")
        party = _party(session, caller, episode.person_id)
    if not party.sees(episode_id):
        raise refused(f"partner {caller.name!r} is not party to episode {episode_id}: it has not {PARTY}")
    return party


@guard(PARTNER, ADMIN, scope=f"county IT, or a partner party to the episode (it {PARTY})", resource="episode_id")
def episode_reader(episode_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> Party:
    return _party_to_episode(runtime, caller, episode_id)


@guard(
    PARTNER,
    ADMIN,
    scope="county IT, or a partner registered for event type continuum.consent.recorded and party to the "
    f"episode (it {PARTY})",
    resource="episode_id",
)
def episode_consent_keeper(episode_id: UUID, caller: ConsentRecorderDep, runtime: RuntimeDep) -> Party:
    return _party_to_episode(runtime, caller, episode_id)


@guard(
    PARTNER,
    ADMIN,
    scope="county IT, or a partner registered for event type continuum.consent.recorded and party to the "
    "episode the consent was recorded on",
    resource="consent_id",
)
def consent_keeper(consent_id: UUID, caller: ConsentRecorderDep, runtime: RuntimeDep) -> Caller:
    with Session(runtime.reader) as session:
        consent = session.get(Consent, consent_id)
        episode_id = consent.episode_id if consent is not None else None
    if episode_id is None:
        raise _not_found(f"consent {consent_id}")
    _party_to_episode(runtime, caller, episode_id)
    return caller


def _plan_keeper(person_id: UUID, caller: Caller, runtime: RuntimeDep, *, first_plan_open: bool) -> Caller:
    with Session(runtime.reader) as session:
        if session.get(Person, person_id) is None:
            raise _not_found(f"person {person_id}")
        if caller.partner is None:
            return caller
        plan = session.get(CrisisPlan, person_id)
        if plan is None and first_plan_open:
            return caller
        if plan is not None and plan.recorded_by == caller.partner.partner_id:
            return caller
        if episodes_party_to(session, caller.partner.partner_id, person_id):
            return caller
    raise refused(
        f"partner {caller.name!r} did not record this person's crisis plan and is party to none of their episodes"
    )


@guard(
    PARTNER,
    ADMIN,
    scope="county IT, or a partner registered for event type continuum.crisis-plan.recorded that recorded the "
    "person's plan or is party to one of their episodes",
    resource="person_id",
)
def plan_reader(person_id: UUID, caller: PlanRecorderDep, runtime: RuntimeDep) -> Caller:
    return _plan_keeper(person_id, caller, runtime, first_plan_open=False)


@guard(
    PARTNER,
    ADMIN,
    scope="county IT, or a partner registered for event type continuum.crisis-plan.recorded: the person's first "
    "plan, or a new one if it recorded theirs or is party to one of their episodes",
    resource="person_id",
)
def plan_writer(person_id: UUID, caller: PlanRecorderDep, runtime: RuntimeDep) -> Caller:
    return _plan_keeper(person_id, caller, runtime, first_plan_open=True)


EpisodeReaderDep = Annotated[Party, Depends(episode_reader)]
EpisodeConsentsDep = Annotated[Party, Depends(episode_consent_keeper)]
ConsentKeeperDep = Annotated[Caller, Depends(consent_keeper)]
PlanReaderDep = Annotated[Caller, Depends(plan_reader)]
PlanWriterDep = Annotated[Caller, Depends(plan_writer)]
