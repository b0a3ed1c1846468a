"""The person's consents as handoff hears them from intake, and which episodes the HMIS export may carry.

Intake records consents and publishes ``consent.recorded`` and ``consent.revoked`` (categories and recipients,
never data); handoff keeps their terms (``HandoffConsent``), so the export asks no other service. A consent is
the person's, recorded on one episode: an episode is the person's when any of the person's consents was
recorded on it, and the person's active consent covering HMIS covers every such episode. A consent covers the
HMIS export while it is neither revoked nor expired, is for housing assistance, names the housing
coordinated-entry partner (by id, or the ``housing`` kind), and its scope holds ``needs``: a coordinated-entry
event says the person needed housing. Nothing else (no identity) is exported, so nothing else is needed.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import ConsentRecordedV1, ConsentRevokedV1
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.store import HandoffConsent


def on_consent_recorded(uow: UnitOfWork, envelope: Envelope[ConsentRecordedV1]) -> None:
    """Keep its terms; a redelivered event changes nothing."""
    consent = envelope.data
    if uow.session.get(HandoffConsent, consent.consent_id) is not None:
        return
    uow.session.add(
        HandoffConsent(
            consent_id=consent.consent_id,
            person_id=consent.person_id,
            episode_id=envelope.episode_id,
            scope=list(consent.scope),
            recipients=list(consent.recipients),
            recipient_categories=list(consent.recipient_categories),
            purpose=consent.purpose,
            expires_at=consent.expires_at,
            recorded_at=envelope.time,
        )
    )


def on_consent_revoked(uow: UnitOfWork, envelope: Envelope[ConsentRevokedV1]) -> None:
    """Nothing more is exported under it (it comes after its recording: both are on the episode's partition)."""
    consent = uow.session.get(HandoffConsent, envelope.data.consent_id, with_for_update=True)
    if consent is not None and consent.revoked_at is None:
        consent.revoked_at = envelope.data.revoked_at
        uow.session.add(consent)


def covers_hmis(consent: HandoffConsent, settings: HandoffSettings, now: datetime) -> bool:
    names_housing = (
        settings.housing_partner_id in consent.recipients or RecipientCategory.HOUSING in consent.recipient_categories
    )
    return (
        consent.revoked_at is None
        and consent.expires_at > now
        and consent.purpose == DisclosurePurpose.HOUSING_ASSISTANCE
        and names_housing
        and DataCategory.NEEDS in consent.scope
    )


@dataclass(frozen=True)
class Coverage:
    """Whose each episode is (when a consent tells), and which people's consents cover the HMIS export now."""

    person_of: dict[UUID, UUID]
    covered: frozenset[UUID]

    def person(self, episode_id: UUID) -> UUID | None:
        """The person the episode's events may be exported for; None when no consent covers them."""
        person_id = self.person_of.get(episode_id)
        return person_id if person_id in self.covered else None


def coverage(session: Session, episode_ids: set[UUID], settings: HandoffSettings, now: datetime) -> Coverage:
    """What the consents say of these episodes: each one's person, and the people an active consent covers."""
    on_episodes = select(HandoffConsent).where(col(HandoffConsent.episode_id).in_(episode_ids))
    person_of = {consent.episode_id: consent.person_id for consent in session.exec(on_episodes).all()}
    of_people = select(HandoffConsent).where(col(HandoffConsent.person_id).in_(set(person_of.values())))
    covered = frozenset(c.person_id for c in session.exec(of_people).all() if covers_hmis(c, settings, now))
    return Coverage(person_of=person_of, covered=covered)
