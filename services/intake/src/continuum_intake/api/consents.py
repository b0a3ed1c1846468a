"""Consent and disclosure routes: the only way PHI leaves intake.

A partner that talks with the person (the crisis line, outreach peers) or county IT records the person's
consent: which categories of their record, to whom (named partners or kinds of partner), for what, until
when, and whether it is a 42 CFR Part 2 consent. Handoff asks for a disclosure on behalf of a partner it
has handed the person to; what is released and audited is decided in ``disclosure_decisions.py``.
"""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory
from continuum_kit.idempotency import REPLAYED, IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import RuntimeDep, SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from continuum_intake.api.auth import AdminOnly, DisclosureRequesterDep
from continuum_intake.api.deps import PartsDep
from continuum_intake.api.resource_guards import ConsentKeeperDep, EpisodeConsentsDep
from continuum_intake.api.validation import PhiSafeRoute, invalid
from continuum_intake.config import Code
from continuum_intake.consent_recording import (
    InvalidConsent,
    UnknownConsent,
    UnknownEpisode,
    consents_of,
    episode_of,
    record_consent,
    revoke_consent,
)
from continuum_intake.consent_rules import ConsentTerms, Request, is_active
from continuum_intake.disclosure_decisions import disclose
from continuum_intake.part2_release import PART2_NOTICE
from continuum_intake.security_labels import disclosure_labels
from continuum_intake.store import Consent, Disclosure, Episode

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
    try:
        return episode_of(session, episode_id)
    except UnknownEpisode as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown


@router.post(
    "/episodes/{episode_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    responses=REPLAYED,
    summary="Record the person's consent to share categories of their record (a retry with the same "
    "Idempotency-Key gets the first answer)",
)
def post_consent(
    episode_id: UUID,
    body: ConsentIn,
    keeper: EpisodeConsentsDep,
    uow: UnitOfWorkDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ConsentOut:
    recorded_by = keeper.caller.name
    terms = ConsentTerms(**body.model_dump())

    def record() -> ConsentOut:
        try:
            consent = record_consent(uow, episode_id, terms, recorded_by)
        except UnknownEpisode as unknown:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
        except InvalidConsent as bad:
            raise invalid(("body", bad.field), bad.message) from None
        return _consent_out(consent, uow.clock.now())

    keys = request_keys(recorded_by, f"POST /v1/episodes/{episode_id}/consents", body, idempotency_key)
    return answer_once(uow, keys, response, record, status_code=status.HTTP_201_CREATED)


@router.get(
    "/episodes/{episode_id}/consents",
    response_model=list[ConsentOut],
    summary="The person's consents the caller may see (county IT: all; a partner: those recorded on the episodes "
    "it is party to)",
)
def get_consents(
    episode_id: UUID, keeper: EpisodeConsentsDep, session: SessionDep, runtime: RuntimeDep
) -> list[ConsentOut]:
    episode = _episode(session, episode_id)  # a read: no unit of work (on SQLite that would take the write lock)
    now = runtime.clock.now()
    seen = [consent for consent in consents_of(session, episode.person_id) if keeper.sees(consent.episode_id)]
    return [_consent_out(consent, now) for consent in seen]


@router.post(
    "/consents/{consent_id}/revoke",
    response_model=ConsentOut,
    summary="Revoke a consent: nothing more is disclosed under it (a repeat is harmless)",
)
def post_revoke(consent_id: UUID, keeper: ConsentKeeperDep, uow: UnitOfWorkDep) -> ConsentOut:
    try:
        consent = revoke_consent(uow, consent_id, keeper.name)
    except UnknownConsent as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
    uow.commit()
    return _consent_out(consent, uow.clock.now())


@router.post(
    "/disclosures",
    responses={
        200: {
            "description": "the covered categories of the record, the consents they were released under, and its "
            "DS4P security labels (security: R always; 42CFRPart2 and NORDSCLCD when substance_use is released)"
        },
        404: {"description": "no such episode"},
    },
    summary="Release the categories of a person's record that their active consents cover, to one recipient",
)
def post_disclosure(
    body: DisclosureRequestIn, requested_by: DisclosureRequesterDep, uow: UnitOfWorkDep, parts: PartsDep
) -> JSONResponse:
    request = Request(body.recipient, body.recipient_category, body.purpose, tuple(body.categories))
    try:
        disclosed = disclose(uow, parts.vault, body.episode_id, request, requested_by.partner_id, body.basis)
    except UnknownEpisode as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
    uow.commit()
    decision, disclosure, record = disclosed.decision, disclosed.disclosure, disclosed.record
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
        "episode_id": str(body.episode_id),
        "recipient": body.recipient,
        "purpose": body.purpose,
        "released": record,
        "withheld": withheld,
        "consents": consents,
        "redisclosure_notice": PART2_NOTICE if decision.part2 else None,
        "security": disclosure_labels(decision.part2),  # DS4P labels: R; 42CFRPart2 and NORDSCLCD on Part 2 data
    }
    return JSONResponse(answer, headers=headers)


@router.get(
    "/episodes/{episode_id}/disclosures",
    response_model=list[DisclosureOut],
    dependencies=[AdminOnly],
    responses={404: {"description": "no such episode"}},
    summary="The disclosure audit of an episode: every release and refusal",
)
def get_disclosures(episode_id: UUID, session: SessionDep) -> list[DisclosureOut]:
    _episode(session, episode_id)
    query = select(Disclosure).where(Disclosure.episode_id == episode_id).order_by(col(Disclosure.disclosed_at))
    return [DisclosureOut.model_validate(d, from_attributes=True) for d in session.exec(query).all()]
