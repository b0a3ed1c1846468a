"""Consent records and disclosures under them: the only way PHI leaves intake.

A partner that talks with the person (the crisis line, outreach peers) or county IT records the person's
consent: which categories of their record, to whom (named partners or kinds of partner), for what, until
when, and whether it is a 42 CFR Part 2 consent. Each change is an event without PHI. Handoff asks for a
disclosure on behalf of a partner it has handed the person to; intake releases only what active consents
cover, audits every answer (refusals too), and sends the data in the HTTP response, never on Kafka.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from continuum_contracts.events import ConsentRecordedV1, ConsentRevokedV1, DisclosureRecordedV1
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import RuntimeDep, SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from continuum_intake.auth import AdminOnly, ConsentRecorderDep, DisclosureRequesterDep
from continuum_intake.config import Code
from continuum_intake.disclosure import PART2_NOTICE, Decision, Request, decide, is_active, is_substance_use_record
from continuum_intake.parts import IntakeParts, PartsDep
from continuum_intake.store import Consent, Contact, CrisisPlan, Disclosure, Episode, Person
from continuum_intake.validation import PhiSafeRoute, invalid

router = APIRouter(prefix="/v1", tags=["consent and disclosure"], route_class=PhiSafeRoute)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: list[DataCategory] = Field(min_length=1, description="the categories of the record it covers")
    recipients: list[Code] = Field(default=[], max_length=20, description="named partner ids")
    recipient_categories: list[RecipientCategory] = Field(default=[], description="or kinds of partner")
    purpose: DisclosurePurpose
    expires_at: AwareDatetime = Field(description="when it ends (42 CFR Part 2 requires an expiry)")
    part2: bool = Field(default=False, description="a 42 CFR Part 2 consent, required to cover substance_use")


class ConsentOut(BaseModel):
    consent_id: UUID
    person_id: UUID
    episode_id: UUID
    scope: list[DataCategory]
    recipients: list[str]
    recipient_categories: list[RecipientCategory]
    purpose: DisclosurePurpose
    part2: bool
    expires_at: datetime
    recorded_by: str
    recorded_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    status: str


class DisclosureRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    episode_id: UUID
    recipient: Code = Field(description="the partner the record goes to")
    recipient_category: RecipientCategory | None = Field(default=None, description="what kind of partner it is")
    purpose: DisclosurePurpose
    categories: list[DataCategory] = Field(min_length=1)
    basis: str | None = Field(default=None, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")


class DisclosureOut(BaseModel):
    """The audit of one request, without the data: who, for whom, what, when, under which consents."""

    disclosure_id: UUID
    episode_id: UUID
    requested_by: str
    recipient: str
    recipient_category: str | None
    purpose: str
    basis: str | None
    requested: list[str]
    released: list[str]
    withheld: list[str]
    consent_ids: list[UUID]
    outcome: str
    disclosed_at: datetime


def _consent_out(consent: Consent, now: datetime) -> ConsentOut:
    state = "revoked" if consent.revoked_at else ("active" if is_active(consent, now) else "expired")
    return ConsentOut.model_validate({**consent.model_dump(), "status": state})


def _episode(session: Session, episode_id: UUID) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"episode {episode_id} not found")
    return episode


def _check(body: ConsentIn, now: datetime) -> None:
    if not body.recipients and not body.recipient_categories:
        raise invalid(("body", "recipients"), "name at least one recipient or recipient category")
    if body.expires_at <= now:
        raise invalid(("body", "expires_at"), "a consent must expire in the future")
    if DataCategory.SUBSTANCE_USE in body.scope and not body.part2:
        raise invalid(("body", "part2"), "only a 42 CFR Part 2 consent (part2: true) may cover substance_use")


@router.post(
    "/episodes/{episode_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    summary="Record the person's consent to share categories of their record",
)
def post_consent(episode_id: UUID, body: ConsentIn, recorded_by: ConsentRecorderDep, uow: UnitOfWorkDep) -> ConsentOut:
    episode = _episode(uow.session, episode_id)
    now = uow.clock.now()
    _check(body, now)
    consent = Consent(
        person_id=episode.person_id,
        episode_id=episode_id,
        scope=sorted(set(body.scope)),
        recipients=sorted(set(body.recipients)),
        recipient_categories=sorted(set(body.recipient_categories)),
        purpose=body.purpose,
        part2=body.part2,
        expires_at=body.expires_at,
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
            purpose=body.purpose,
            expires_at=body.expires_at,
            part2=body.part2,
        ),
        episode_id=episode_id,
    )
    uow.commit()
    return _consent_out(consent, now)


def _consents_of(session: Session, person_id: UUID) -> list[Consent]:
    query = select(Consent).where(Consent.person_id == person_id).order_by(col(Consent.recorded_at))
    return list(session.exec(query).all())


@router.get("/episodes/{episode_id}/consents", response_model=list[ConsentOut], summary="The person's consents")
def get_consents(
    episode_id: UUID, _reader: ConsentRecorderDep, session: SessionDep, runtime: RuntimeDep
) -> list[ConsentOut]:
    episode = _episode(session, episode_id)  # a read: no unit of work (on SQLite that would take the write lock)
    now = runtime.clock.now()
    return [_consent_out(consent, now) for consent in _consents_of(session, episode.person_id)]


@router.post(
    "/consents/{consent_id}/revoke",
    response_model=ConsentOut,
    summary="Revoke a consent: nothing more is disclosed under it (a repeat is harmless)",
)
def post_revoke(consent_id: UUID, revoked_by: ConsentRecorderDep, uow: UnitOfWorkDep) -> ConsentOut:
    consent = uow.session.get(Consent, consent_id, with_for_update=True)
    if consent is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"consent {consent_id} not found")
    now = uow.clock.now()
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_by = now, revoked_by
        uow.session.add(consent)
        revoked = ConsentRevokedV1(consent_id=consent_id, person_id=consent.person_id, revoked_at=now)
        uow.emit(revoked, episode_id=consent.episode_id)
    uow.commit()
    return _consent_out(consent, now)


def _note(parts: IntakeParts, contact: Contact) -> dict[str, Any]:
    return {
        "contact_id": str(contact.contact_id),
        "received_at": contact.received_at.isoformat(),
        "note": parts.vault.unseal(contact.note_encrypted),
    }


def _record(session: Session, parts: IntakeParts, episode: Episode, decision: Decision) -> dict[str, Any]:
    """The released categories of the person's record, and nothing else."""
    person = session.get(Person, episode.person_id)
    assert person is not None
    query = select(Contact).where(Contact.episode_id == episode.episode_id).order_by(col(Contact.received_at))
    contacts = list(session.exec(query).all())
    substance_use = [c for c in contacts if is_substance_use_record(c.needs)]
    other = [c for c in contacts if not is_substance_use_record(c.needs)]
    record: dict[str, Any] = {}
    for category in decision.covered:
        if category is DataCategory.IDENTITY:
            birth = parts.vault.unseal_date(person.date_of_birth_encrypted)
            name = parts.vault.unseal(person.name_encrypted)
            record[category] = {"name": name, "date_of_birth": birth.isoformat() if birth else None}
        elif category is DataCategory.CONTACT_DETAILS:
            phone, address = parts.vault.unseal(person.phone_encrypted), parts.vault.unseal(person.address_encrypted)
            record[category] = {"phone": phone, "address": address}
        elif category is DataCategory.NEEDS:
            needs = {need for contact in other for need in contact.needs}
            needs |= {need for contact in substance_use for need in contact.needs if need != "substance_use"}
            record[category] = sorted(needs)
        elif category is DataCategory.CRISIS_PLAN:
            plan = session.get(CrisisPlan, person.person_id)
            keep = ("peer_preferred", "language", "preferred_place", "helps", "avoid")
            record[category] = plan.model_dump(mode="json", include=set(keep)) if plan else None
        elif category is DataCategory.NOTES:
            record[category] = [_note(parts, c) for c in other if c.note_encrypted]
        elif category is DataCategory.SUBSTANCE_USE:
            notes = [_note(parts, c) for c in substance_use if c.note_encrypted]
            record[category] = {"substance_use_need": bool(substance_use), "notes": notes}
    return record


def _audit(
    uow: UnitOfWork, episode: Episode, requested_by: str, body: DisclosureRequestIn, decision: Decision
) -> Disclosure:
    outcome = "released" if decision.covered else "refused"
    disclosure = Disclosure(
        episode_id=episode.episode_id,
        person_id=episode.person_id,
        requested_by=requested_by,
        recipient=body.recipient,
        recipient_category=body.recipient_category,
        purpose=body.purpose,
        basis=body.basis,
        requested=list(dict.fromkeys(body.categories)),
        released=list(decision.covered),
        withheld=list(decision.withheld),
        consent_ids=[str(c.consent_id) for c in decision.consents],
        outcome=outcome,
        disclosed_at=uow.clock.now(),
    )
    uow.session.add(disclosure)
    uow.session.flush()
    uow.emit(
        DisclosureRecordedV1(
            disclosure_id=disclosure.disclosure_id,
            recipient=body.recipient,
            purpose=body.purpose,
            released=list(decision.covered),
            withheld=list(decision.withheld),
            consent_ids=[c.consent_id for c in decision.consents],
            outcome=outcome,
        ),
        episode_id=episode.episode_id,
    )
    return disclosure


@router.post(
    "/disclosures",
    summary="Release the categories of a person's record that their active consents cover, to one recipient",
)
def post_disclosure(
    body: DisclosureRequestIn, requested_by: DisclosureRequesterDep, uow: UnitOfWorkDep, parts: PartsDep
) -> JSONResponse:
    episode = _episode(uow.session, body.episode_id)
    now = uow.clock.now()
    request = Request(body.recipient, body.recipient_category, body.purpose, tuple(body.categories))
    decision = decide(request, _consents_of(uow.session, episode.person_id), now)
    disclosure = _audit(uow, episode, requested_by, body, decision)
    record = _record(uow.session, parts, episode, decision) if decision.covered else None
    uow.commit()
    withheld = [{"category": category, "reason": reason} for category, reason in decision.withheld.items()]
    headers = {"Cache-Control": "no-store"}
    if record is None:
        refusal = {
            "message": "no active consent of the person covers this disclosure; nothing was released",
            "disclosure_id": str(disclosure.disclosure_id),
            "missing_consent": {
                "categories": list(decision.withheld),
                "recipient": body.recipient,
                "recipient_category": body.recipient_category,
                "purpose": body.purpose,
                "part2_required": DataCategory.SUBSTANCE_USE in decision.withheld,
            },
            "withheld": withheld,
        }
        return JSONResponse({"detail": refusal}, status_code=status.HTTP_403_FORBIDDEN, headers=headers)
    consents = [
        {
            "consent_id": str(c.consent_id),
            "scope": c.scope,
            "recipients": c.recipients,
            "recipient_categories": c.recipient_categories,
            "purpose": c.purpose,
            "part2": c.part2,
            "expires_at": c.expires_at.isoformat(),
        }
        for c in decision.consents
    ]
    answer = {
        "disclosure_id": str(disclosure.disclosure_id),
        "episode_id": str(episode.episode_id),
        "recipient": body.recipient,
        "purpose": body.purpose,
        "released": record,
        "withheld": withheld,
        "consents": consents,
        "redisclosure_notice": PART2_NOTICE if decision.part2 else None,
    }
    return JSONResponse(answer, headers=headers)


@router.get(
    "/episodes/{episode_id}/disclosures",
    response_model=list[DisclosureOut],
    dependencies=[AdminOnly],
    summary="The disclosure audit of an episode: every release and refusal",
)
def get_disclosures(episode_id: UUID, session: SessionDep) -> list[DisclosureOut]:
    _episode(session, episode_id)
    query = select(Disclosure).where(Disclosure.episode_id == episode_id).order_by(col(Disclosure.disclosed_at))
    return [DisclosureOut.model_validate(d, from_attributes=True) for d in session.exec(query).all()]
