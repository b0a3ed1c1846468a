"""Partners post crisis contacts: one typed endpoint per channel, and a generic one that names the channel.

A partner's retry gets the first answer (200) and makes no second contact: a repeated ``Idempotency-Key``
on any of them, and a 911 CAD's repeated incident tracking id (in intake's fields or a NENA EIDO document) or
a 311 system's service request id.
"""

from dataclasses import dataclass, replace
from typing import Annotated

from continuum_contracts.vocabulary import Channel
from continuum_kit.delivery import UnitOfWork
from continuum_kit.guards import PARTNER, guard
from continuum_kit.idempotency import REPLAYED, IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel

from continuum_intake.api.auth import AuthenticatedPartner, PartnerDep
from continuum_intake.api.channel_bodies import (
    CRISIS_LINE,
    WARMLINE,
    CrisisLineContact,
    EmergencyDepartmentContact,
    GenericContact,
    PoliceReferral,
    Request311,
    StreetOutreachContact,
    Transfer911,
    WalkInContact,
    WarmlineContact,
)
from continuum_intake.api.contact_answers import BODY, ContactAccepted, check_contact
from continuum_intake.api.deps import PartsDep
from continuum_intake.api.eido_document import INCIDENT_TYPE_AT, EidoDocument
from continuum_intake.api.validation import Loc, PhiSafeRoute
from continuum_intake.parts import IntakeParts
from continuum_intake.reception import NewContact, receive_contact

router = APIRouter(prefix="/v1/contacts", tags=["contacts"], route_class=PhiSafeRoute)


@dataclass(frozen=True)
class Posting:
    """Who posts, to which route, with what retry key; and where the contact goes."""

    partner: AuthenticatedPartner
    parts: IntakeParts
    uow: UnitOfWork
    route: str
    response: Response
    idempotency_key: str | None


@guard(PARTNER, scope="a partner registered for the contact's channel")
async def _posting(  # no I/O of its own: a coroutine, so it costs the request no worker-thread hop
    partner: PartnerDep,
    parts: PartsDep,
    uow: UnitOfWorkDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Posting:
    route = f"{request.method} {request.scope['route'].path}"
    return Posting(partner, parts, uow, route, response, idempotency_key)


PostingDep = Annotated[Posting, Depends(_posting)]


def _take(
    posting: Posting, body: BaseModel, new: NewContact, call_type_at: Loc = BODY, *, natural_id: str | None = None
) -> ContactAccepted:
    """Refusals first (they change nothing); then the contact, once per request key."""
    check_contact(posting.partner, posting.parts, new, call_type_at=call_type_at)
    fingerprint = posting.parts.vault.request_fingerprint
    keys = request_keys(
        posting.partner.partner_id, posting.route, body, posting.idempotency_key, natural_id, fingerprint=fingerprint
    )

    def receive() -> ContactAccepted:
        return ContactAccepted.of(receive_contact(posting.uow, posting.parts, new))

    return answer_once(posting.uow, keys, posting.response, receive, status_code=status.HTTP_201_CREATED)


CREATED = {"status_code": status.HTTP_201_CREATED, "response_model": ContactAccepted, "responses": REPLAYED}


@router.post("", summary="A contact on a channel the partner names", **CREATED)
def post_contact(body: GenericContact, posting: PostingDep) -> ContactAccepted:
    return _take(posting, body, body.new_contact(posting.partner.partner_id), ("body", "call_type"))


@router.post("/crisis-line", summary="A 988 or crisis-line call, chat or text", **CREATED)
def post_crisis_line(body: CrisisLineContact, posting: PostingDep) -> ContactAccepted:
    return _take(posting, body, body.contact(CRISIS_LINE[body.medium], posting.partner.partner_id))


@router.post("/warmline", summary="A peer warmline call, chat or text", **CREATED)
def post_warmline(body: WarmlineContact, posting: PostingDep) -> ContactAccepted:
    return _take(posting, body, body.contact(WARMLINE[body.medium], posting.partner.partner_id))


@router.post("/911", summary="A 911 CAD transfer (NENA EIDO fields)", **CREATED)
def post_911(body: Transfer911, posting: PostingDep) -> ContactAccepted:
    new = body.contact(
        Channel.TRANSFER_911,
        posting.partner.partner_id,
        call_type=body.call_type_code,
        location=body.location,
        codes={"incident_tracking_id": body.incident_tracking_id, "priority": body.priority},
    )
    return _take(posting, body, new, ("body", "call_type_code"), natural_id=body.incident_tracking_id)


@router.post("/911/eido", summary="A 911 CAD transfer as a NENA EIDO document (NENA-STA-021.1)", **CREATED)
def post_911_eido(body: EidoDocument, posting: PostingDep) -> ContactAccepted:
    """The header's ``$id`` is the incident tracking id: a repeat, here or on ``POST /v1/contacts/911``, gets the
    first answer. A 422 names the EIDO path, never the value."""
    posting.partner.require_channel(Channel.TRANSFER_911)  # refused before the document is read further
    new = body.contact(posting.partner.partner_id, posting.parts.eido_incident_types)
    same_incident = replace(posting, route="POST /v1/contacts/911")
    return _take(same_incident, body, new, INCIDENT_TYPE_AT, natural_id=body.id)


@router.post("/311", summary="A 311 service request (Open311 GeoReport v2 fields)", **CREATED)
def post_311(body: Request311, posting: PostingDep) -> ContactAccepted:
    new = body.contact(
        Channel.REQUEST_311,
        posting.partner.partner_id,
        call_type=body.service_code,
        location=body.location(),
        place=body.address_string,
        codes={"service_request_id": body.service_request_id},
    )
    return _take(posting, body, new, ("body", "service_code"), natural_id=body.service_request_id)


@router.post("/police-referral", summary="A police field referral (pre-arrest diversion)", **CREATED)
def post_police_referral(body: PoliceReferral, posting: PostingDep) -> ContactAccepted:
    new = body.contact(
        Channel.POLICE_REFERRAL,
        posting.partner.partner_id,
        location=body.location,
        codes={"officer_agency": body.officer_agency, "offence_code": body.offence_code},
    )
    return _take(posting, body, new)


@router.post("/emergency-department", summary="A person in an emergency department, referred on", **CREATED)
def post_emergency_department(body: EmergencyDepartmentContact, posting: PostingDep) -> ContactAccepted:
    new = body.contact(Channel.EMERGENCY_DEPARTMENT, posting.partner.partner_id, codes={"facility": body.facility})
    return _take(posting, body, new)


@router.post("/street-outreach", summary="A person met by a street outreach team", **CREATED)
def post_street_outreach(body: StreetOutreachContact, posting: PostingDep) -> ContactAccepted:
    return _take(
        posting, body, body.contact(Channel.STREET_OUTREACH, posting.partner.partner_id, location=body.location)
    )


@router.post("/walk-in", summary="A person who walked in to a crisis center", **CREATED)
def post_walk_in(body: WalkInContact, posting: PostingDep) -> ContactAccepted:
    return _take(posting, body, body.contact(Channel.WALK_IN, posting.partner.partner_id, codes={"site": body.site}))
