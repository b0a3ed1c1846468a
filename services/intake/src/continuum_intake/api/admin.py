"""The county's admin API for partner systems: register them and list them."""

from datetime import datetime

from continuum_contracts.vocabulary import Channel
from continuum_kit.passwords import hash_secret
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from continuum_intake.api.auth import COUNTY_IT, AdminOnly, PartnerEventType
from continuum_intake.api.validation import PhiSafeRoute
from continuum_intake.config import Code
from continuum_intake.store import Partner

router = APIRouter(prefix="/v1", dependencies=[AdminOnly], route_class=PhiSafeRoute)


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_id: Code
    secret: str = Field(min_length=24, max_length=200, description="the partner's HTTP Basic password; stored hashed")
    channels: list[Channel] = Field(default=[], description="the channels it may post contacts on")
    event_types: list[PartnerEventType] = Field(default=[], description="what else it may send")

    @field_validator("partner_id")
    @classmethod
    def _not_county_it(cls, partner_id: str) -> str:
        # What county IT records is recorded as "admin": a partner of that name would be party to all of it.
        if partner_id == COUNTY_IT:
            raise ValueError(f"{COUNTY_IT!r} is how county IT is recorded, not a partner id")
        return partner_id


class PartnerOut(BaseModel):
    """A registered partner, without its secret or the secret's hash."""

    partner_id: str
    channels: list[Channel]
    event_types: list[PartnerEventType]
    created_at: datetime
    active: bool

    @classmethod
    def of(cls, partner: Partner) -> "PartnerOut":
        return cls(
            partner_id=partner.partner_id,
            channels=partner.channels,
            event_types=partner.event_types,
            created_at=partner.created_at,
            active=partner.active,
        )


def _already_registered(partner_id: str) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, detail=f"partner {partner_id!r} is already registered")


@router.post(
    "/admin/partners",
    status_code=status.HTTP_201_CREATED,
    response_model=PartnerOut,
    responses={409: {"description": "a partner with this id is already registered"}},
    tags=["admin"],
)
def register_partner(body: PartnerIn, uow: UnitOfWorkDep) -> PartnerOut:
    if uow.session.get(Partner, body.partner_id) is not None:
        raise _already_registered(body.partner_id)
    partner = Partner(
        partner_id=body.partner_id,
        secret_hash=hash_secret(body.secret),
        channels=sorted(set(body.channels)),
        event_types=sorted(set(body.event_types)),
        created_at=uow.clock.now(),
    )
    uow.session.add(partner)
    try:
        uow.commit()
    except IntegrityError:  # registered by a concurrent request
        raise _already_registered(body.partner_id) from None
    return PartnerOut.of(partner)


@router.get("/admin/partners", response_model=list[PartnerOut], tags=["admin"])
def list_partners(session: SessionDep) -> list[PartnerOut]:
    partners = session.exec(select(Partner).order_by(col(Partner.partner_id))).all()
    return [PartnerOut.of(partner) for partner in partners]
