"""Who may call intake: partner systems by HTTP Basic, within their registration; operators by the admin token."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from continuum_contracts.vocabulary import Channel
from continuum_kit.partners import (
    basic_challenge,
    bearer_challenge,
    check_admin_token,
    check_partner_secret,
    unauthenticated,
)
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from continuum_intake.api.deps import PartsDep
from continuum_intake.parts import IntakeParts
from continuum_intake.store import Partner

REALM = "continuum-intake"
partner_basic = HTTPBasic(
    scheme_name="partner", realm=REALM, auto_error=False, description="a registered partner: partner_id and secret"
)
admin_bearer = HTTPBearer(scheme_name="admin", auto_error=False, description="the county's CONTINUUM_ADMIN_TOKEN")


class PartnerEventType(StrEnum):
    """What a partner may be registered to send, besides contacts on its channels."""

    CONTACT_SUBMITTED = "continuum.contact.submitted.v1"
    CRISIS_PLAN_RECORDED = "continuum.crisis-plan.recorded"
    CONSENT_RECORDED = "continuum.consent.recorded"  # record, read and revoke a person's consents
    DISCLOSURE_REQUEST = "continuum.disclosure.request"  # handoff, asking on behalf of a receiving partner


@dataclass(frozen=True)
class AuthenticatedPartner:
    partner_id: str
    channels: frozenset[str]
    event_types: frozenset[str]

    def require_channel(self, channel: Channel) -> None:
        if channel.value not in self.channels:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"partner {self.partner_id!r} is not registered for channel {channel.value!r}",
            )

    def require_event_type(self, event_type: PartnerEventType) -> None:
        if event_type.value not in self.event_types:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"partner {self.partner_id!r} is not registered for event type {event_type.value!r}",
            )


BASIC_CHALLENGE = basic_challenge(REALM)
BEARER_CHALLENGE = bearer_challenge(REALM)


def _registered(engine: Engine, partner_id: str) -> Partner | None:
    # A session of its own, closed at once: on SQLite an open one would hold the lock the request's
    # unit of work needs.
    with Session(engine, expire_on_commit=False) as session:
        return session.get(Partner, partner_id)


def _check_partner(credentials: HTTPBasicCredentials | None, engine: Engine) -> Partner:
    registered = _registered(engine, credentials.username) if credentials is not None else None
    return check_partner_secret(credentials, registered, REALM)


def authenticate_partner(
    credentials: Annotated[HTTPBasicCredentials | None, Depends(partner_basic)], runtime: RuntimeDep
) -> AuthenticatedPartner:
    partner = _check_partner(credentials, runtime.engine)
    return AuthenticatedPartner(partner.partner_id, frozenset(partner.channels), frozenset(partner.event_types))


def _check_admin(credentials: HTTPAuthorizationCredentials | None, parts: IntakeParts) -> None:
    check_admin_token(parts.admin_token, credentials, REALM)


def require_admin(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)], parts: PartsDep
) -> None:
    _check_admin(credentials, parts)


def _recorder(event_type: PartnerEventType):  # noqa: ANN202 - a FastAPI dependency
    def recorder(
        basic: Annotated[HTTPBasicCredentials | None, Depends(partner_basic)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)],
        runtime: RuntimeDep,
        parts: PartsDep,
    ) -> str:
        """Who is acting: ``admin`` (county IT's token), or a partner registered for this kind of record."""
        if bearer is not None:
            _check_admin(bearer, parts)
            return "admin"
        if basic is None:
            raise unauthenticated(BASIC_CHALLENGE, BEARER_CHALLENGE)
        partner = authenticate_partner(basic, runtime)
        partner.require_event_type(event_type)
        return partner.partner_id

    return recorder


def _partner_registered_for(event_type: PartnerEventType):  # noqa: ANN202 - a FastAPI dependency
    def registered(partner: Annotated[AuthenticatedPartner, Depends(authenticate_partner)]) -> str:
        partner.require_event_type(event_type)
        return partner.partner_id

    return registered


PartnerDep = Annotated[AuthenticatedPartner, Depends(authenticate_partner)]
AdminOnly = Depends(require_admin)
PlanRecorderDep = Annotated[str, Depends(_recorder(PartnerEventType.CRISIS_PLAN_RECORDED))]
ConsentRecorderDep = Annotated[str, Depends(_recorder(PartnerEventType.CONSENT_RECORDED))]
DisclosureRequesterDep = Annotated[str, Depends(_partner_registered_for(PartnerEventType.DISCLOSURE_REQUEST))]
