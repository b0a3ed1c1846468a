"""Which consents are valid, and which cover a disclosure: pure rules, no I/O.

HIPAA lets the person's consent name categories of their record, recipients (by name or kind), a purpose
and an expiry; 42 CFR Part 2 adds that substance-use information goes only under a Part 2 consent. What
each released category carries of the record is ``part2_release.py``.
"""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory

from continuum_intake.store import Consent


@dataclass(frozen=True)
class ConsentTerms:
    """What the person agreed to, as recorded."""

    scope: list[DataCategory]
    recipients: list[str]
    recipient_categories: list[RecipientCategory]
    purpose: DisclosurePurpose
    expires_at: datetime
    part2: bool


def invalid_term(terms: ConsentTerms, now: datetime) -> tuple[str, str] | None:
    """The first term that makes a consent invalid, as (field, why); None for a valid consent."""
    if not terms.recipients and not terms.recipient_categories:
        return "recipients", "name at least one recipient or recipient category"
    if terms.expires_at <= now:
        return "expires_at", "a consent must expire in the future"
    if DataCategory.SUBSTANCE_USE in terms.scope and not terms.part2:
        return "part2", "only a 42 CFR Part 2 consent (part2: true) may cover substance_use"
    return None


@dataclass(frozen=True)
class Request:
    recipient: str
    recipient_category: RecipientCategory | None
    purpose: DisclosurePurpose
    categories: tuple[DataCategory, ...]


@dataclass
class Decision:
    """For each requested category: the consents that cover it, or why it is withheld."""

    covered: dict[DataCategory, list[Consent]] = field(default_factory=dict)
    withheld: dict[DataCategory, str] = field(default_factory=dict)

    @property
    def consents(self) -> list[Consent]:
        seen: dict[UUID, Consent] = {}
        for consents in self.covered.values():
            for consent in consents:
                seen.setdefault(consent.consent_id, consent)
        return list(seen.values())

    @property
    def part2(self) -> bool:
        return DataCategory.SUBSTANCE_USE in self.covered


def is_active(consent: Consent, now: datetime) -> bool:
    return consent.revoked_at is None and consent.expires_at > now


def names_recipient(consent: Consent, request: Request) -> bool:
    by_name = request.recipient in consent.recipients
    by_kind = request.recipient_category is not None and request.recipient_category in consent.recipient_categories
    return by_name or by_kind


def covers(consent: Consent, category: DataCategory, request: Request, now: datetime) -> bool:
    return (
        is_active(consent, now)
        and names_recipient(consent, request)
        and consent.purpose == request.purpose
        and category in consent.scope
        and (category is not DataCategory.SUBSTANCE_USE or consent.part2)
    )


def _why_not(category: DataCategory, request: Request, consents: list[Consent], now: datetime) -> str:
    kind = "42 CFR Part 2 consent" if category is DataCategory.SUBSTANCE_USE else "consent"
    reason = f"no active {kind} of the person covers {category} for {request.recipient} ({request.purpose})"
    lapsed = [c for c in consents if category in c.scope and names_recipient(c, request) and not is_active(c, now)]
    if any(c.revoked_at is not None for c in lapsed):
        reason += "; a consent that covered it was revoked"
    elif lapsed:
        reason += "; a consent that covered it has expired"
    return reason


def decide(request: Request, consents: list[Consent], now: datetime) -> Decision:
    decision = Decision()
    for category in dict.fromkeys(request.categories):
        covering = [consent for consent in consents if covers(consent, category, request, now)]
        if covering:
            decision.covered[category] = covering
        else:
            decision.withheld[category] = _why_not(category, request, consents, now)
    return decision
