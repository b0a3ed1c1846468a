"""Which consent covers a disclosure: pure rules, no I/O.

HIPAA lets the person's consent name categories of their record, recipients (by name or kind), a purpose
and an expiry; 42 CFR Part 2 adds that substance-use information goes only under a Part 2 consent and
that what is released under it carries the notice prohibiting redisclosure. Segmentation is by record:
a contact whose needs included substance use is substance-use information as a whole, notes and all.
"""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, Need, RecipientCategory

from continuum_intake.store import Consent

# 42 CFR 2.32(a)(1): the notice that accompanies each disclosure made with the patient's consent.
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any further disclosure of this record unless "
    "authorized by the written consent of the person to whom it pertains, or as otherwise permitted by 42 CFR "
    "part 2. A general authorization for the release of medical or other information is not sufficient for "
    "this purpose (see 42 CFR 2.31)."
)


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


def is_substance_use_record(needs: list[str]) -> bool:
    return Need.SUBSTANCE_USE in needs
