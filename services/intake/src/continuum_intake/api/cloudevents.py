"""Contacts posted as CloudEvents in structured JSON mode, each applied once per partner and event id.

A partner that retries (a timeout, a restart) gets the first result again instead of a second contact.
"""

import re
from datetime import datetime
from typing import Literal

from continuum_kit.service import UnitOfWorkDep
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from continuum_intake.api.auth import EventSenderDep
from continuum_intake.api.channel_bodies import GenericContact
from continuum_intake.api.contact_answers import ContactAccepted, check_contact
from continuum_intake.api.deps import PartsDep
from continuum_intake.api.validation import PhiSafeRoute
from continuum_intake.reception import receive_contact
from continuum_intake.store import Contact, PartnerEvent

STRUCTURED_MEDIA_TYPES = ("application/cloudevents+json", "application/json")
EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")  # CloudEvents 1.0 attribute naming

router = APIRouter(prefix="/v1", tags=["cloudevents"], route_class=PhiSafeRoute)


class ContactSubmitted(BaseModel):
    """A CloudEvents 1.0 event in structured JSON mode whose data is a contact (the body of POST /v1/contacts)."""

    model_config = ConfigDict(extra="allow")  # extension attributes: accepted, not used
    specversion: Literal["1.0"]
    type: Literal["continuum.contact.submitted.v1"]
    source: str = Field(min_length=1, max_length=500, description="URI-reference of the partner's system")
    id: str = Field(min_length=1, max_length=128, description="unique per partner: a repeat returns the first result")
    time: datetime | None = None
    subject: str | None = Field(default=None, max_length=200)
    datacontenttype: Literal["application/json"] | None = None
    dataschema: str | None = Field(default=None, max_length=500)
    data: GenericContact

    @model_validator(mode="after")
    def _extension_names(self) -> "ContactSubmitted":
        for name in self.model_extra or {}:
            if not EXTENSION_NAME.match(name):
                raise ValueError(f"{name!r} is not a CloudEvents attribute name (lower-case letters and digits)")
        return self


def _structured_mode(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in STRUCTURED_MEDIA_TYPES:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="post one CloudEvent in structured mode: content-type application/cloudevents+json",
        )


def _earlier(session: Session, partner_id: str, event_id: str) -> Contact | None:
    seen = session.get(PartnerEvent, (partner_id, event_id))
    return session.get(Contact, seen.contact_id) if seen is not None else None


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactAccepted,
    dependencies=[Depends(_structured_mode)],
    summary="A contact as a CloudEvent (structured JSON); a repeated id returns the first result with 200",
    responses={
        200: {"description": "this partner posted this event id before: the contact it made then"},
        415: {"description": "not one CloudEvent in structured mode (content-type application/cloudevents+json)"},
    },
    openapi_extra={
        "requestBody": {
            "content": {"application/cloudevents+json": {"schema": {"$ref": "#/components/schemas/ContactSubmitted"}}}
        }
    },
)
def post_event(
    event: ContactSubmitted, partner: EventSenderDep, parts: PartsDep, uow: UnitOfWorkDep, response: Response
) -> ContactAccepted:
    if (earlier := _earlier(uow.session, partner.partner_id, event.id)) is not None:
        response.status_code = status.HTTP_200_OK
        return ContactAccepted.of(earlier)
    new = event.data.new_contact(partner.partner_id)
    check_contact(partner, parts, new, call_type_at=("body", "data", "call_type"), body_at=("body", "data"))
    contact = receive_contact(uow, parts, new)
    seen = PartnerEvent(
        partner_id=partner.partner_id,
        event_id=event.id,
        contact_id=contact.contact_id,
        received_at=contact.received_at,
    )
    uow.session.add(seen)
    try:
        uow.commit()
    except IntegrityError:
        # The same event posted twice at once: the other request stored it first, and nothing of ours was.
        uow.session.rollback()
        earlier = _earlier(uow.session, partner.partner_id, event.id)
        if earlier is None:
            raise
        response.status_code = status.HTTP_200_OK
        return ContactAccepted.of(earlier)
    return ContactAccepted.of(contact)
