"""Partners post crisis contacts: one typed endpoint per channel, and a generic one that names the channel."""

from continuum_contracts.vocabulary import Channel
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, status

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
from continuum_intake.api.validation import Loc, PhiSafeRoute
from continuum_intake.parts import IntakeParts
from continuum_intake.reception import NewContact, receive_contact

router = APIRouter(prefix="/v1/contacts", tags=["contacts"], route_class=PhiSafeRoute)


def _take(
    uow: UnitOfWork, parts: IntakeParts, partner: AuthenticatedPartner, new: NewContact, call_type_at: Loc = BODY
) -> ContactAccepted:
    check_contact(partner, parts, new, call_type_at=call_type_at)
    contact = receive_contact(uow, parts, new)
    uow.commit()
    return ContactAccepted.of(contact)


CREATED = {"status_code": status.HTTP_201_CREATED, "response_model": ContactAccepted}


@router.post("", summary="A contact on a channel the partner names", **CREATED)
def post_contact(body: GenericContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep) -> ContactAccepted:
    return _take(uow, parts, partner, body.new_contact(partner.partner_id), ("body", "call_type"))


@router.post("/crisis-line", summary="A 988 or crisis-line call, chat or text", **CREATED)
def post_crisis_line(
    body: CrisisLineContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep
) -> ContactAccepted:
    return _take(uow, parts, partner, body.contact(CRISIS_LINE[body.medium], partner.partner_id))


@router.post("/warmline", summary="A peer warmline call, chat or text", **CREATED)
def post_warmline(body: WarmlineContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep) -> ContactAccepted:
    return _take(uow, parts, partner, body.contact(WARMLINE[body.medium], partner.partner_id))


@router.post("/911", summary="A 911 CAD transfer (NENA EIDO fields)", **CREATED)
def post_911(body: Transfer911, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep) -> ContactAccepted:
    new = body.contact(
        Channel.TRANSFER_911,
        partner.partner_id,
        call_type=body.call_type_code,
        location=body.location,
        codes={"incident_tracking_id": body.incident_tracking_id, "priority": body.priority},
    )
    return _take(uow, parts, partner, new, ("body", "call_type_code"))


@router.post("/311", summary="A 311 service request (Open311 GeoReport v2 fields)", **CREATED)
def post_311(body: Request311, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep) -> ContactAccepted:
    new = body.contact(
        Channel.REQUEST_311,
        partner.partner_id,
        call_type=body.service_code,
        location=body.location(),
        place=body.address_string,
        codes={"service_request_id": body.service_request_id},
    )
    return _take(uow, parts, partner, new, ("body", "service_code"))


@router.post("/police-referral", summary="A police field referral (pre-arrest diversion)", **CREATED)
def post_police_referral(
    body: PoliceReferral, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep
) -> ContactAccepted:
    new = body.contact(
        Channel.POLICE_REFERRAL,
        partner.partner_id,
        location=body.location,
        codes={"officer_agency": body.officer_agency, "offence_code": body.offence_code},
    )
    return _take(uow, parts, partner, new)


@router.post("/emergency-department", summary="A person in an emergency department, referred on", **CREATED)
def post_emergency_department(
    body: EmergencyDepartmentContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep
) -> ContactAccepted:
    new = body.contact(Channel.EMERGENCY_DEPARTMENT, partner.partner_id, codes={"facility": body.facility})
    return _take(uow, parts, partner, new)


@router.post("/street-outreach", summary="A person met by a street outreach team", **CREATED)
def post_street_outreach(
    body: StreetOutreachContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep
) -> ContactAccepted:
    return _take(uow, parts, partner, body.contact(Channel.STREET_OUTREACH, partner.partner_id, location=body.location))


@router.post("/walk-in", summary="A person who walked in to a crisis center", **CREATED)
def post_walk_in(body: WalkInContact, partner: PartnerDep, parts: PartsDep, uow: UnitOfWorkDep) -> ContactAccepted:
    return _take(uow, parts, partner, body.contact(Channel.WALK_IN, partner.partner_id, codes={"site": body.site}))
