"""Recording a person's consents: record one on an episode, revoke one, and read them; each change is an event.

Events carry no PHI: the consent's categories, recipients, purpose and expiry only.
"""

from uuid import UUID

from continuum_contracts.events import ConsentRecordedV1, ConsentRevokedV1
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_intake.consent_rules import ConsentTerms, invalid_term
from continuum_intake.store import Consent, Episode


class UnknownEpisode(LookupError):
    def __init__(self, episode_id: UUID) -> None:
        super().__init__(f"episode {episode_id} not found")


class UnknownConsent(LookupError):
    def __init__(self, consent_id: UUID) -> None:
        super().__init__(f"consent {consent_id} not found")


class InvalidConsent(ValueError):
    """A term the person's consent cannot have; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def episode_of(session: Session, episode_id: UUID) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise UnknownEpisode(episode_id)
    return episode


def consents_of(session: Session, person_id: UUID) -> list[Consent]:
    query = select(Consent).where(Consent.person_id == person_id).order_by(col(Consent.recorded_at))
    return list(session.exec(query).all())


def record_consent(uow: UnitOfWork, episode_id: UUID, terms: ConsentTerms, recorded_by: str) -> Consent:
    episode = episode_of(uow.session, episode_id)
    now = uow.clock.now()
    if (problem := invalid_term(terms, now)) is not None:
        raise InvalidConsent(*problem)
    consent = Consent(
        person_id=episode.person_id,
        episode_id=episode_id,
        scope=sorted(set(terms.scope)),
        recipients=sorted(set(terms.recipients)),
        recipient_categories=sorted(set(terms.recipient_categories)),
        purpose=terms.purpose,
        part2=terms.part2,
        expires_at=terms.expires_at,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    uow.session.add(consent)
    uow.session.flush()
    uow.emit(
        ConsentRecordedV1(
            consent_id=consent.consent_id,
            person_id=consent.person_id,
            scope=consent.scope,
            recipients=consent.recipients,
            recipient_categories=consent.recipient_categories,
            purpose=terms.purpose,
            expires_at=terms.expires_at,
            part2=terms.part2,
        ),
        episode_id=episode_id,
    )
    return consent


def revoke_consent(uow: UnitOfWork, consent_id: UUID, revoked_by: str) -> Consent:
    """Nothing more is disclosed under it; revoking it again changes nothing."""
    consent = uow.session.get(Consent, consent_id, with_for_update=True)
    if consent is None:
        raise UnknownConsent(consent_id)
    if consent.revoked_at is None:
        now = uow.clock.now()
        consent.revoked_at, consent.revoked_by = now, revoked_by
        uow.session.add(consent)
        revoked = ConsentRevokedV1(consent_id=consent_id, person_id=consent.person_id, revoked_at=now)
        uow.emit(revoked, episode_id=consent.episode_id)
    return consent
