"""Who may call intake: partner systems by HTTP Basic, within their registration; county IT by the admin token.

Each check is a FastAPI dependency marked with its guard (``continuum_kit.guards``), so that the route's
OpenAPI names who may call it and the door test tries it. Checks against one episode, person or consent
are in ``parties.py``.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from continuum_contracts.vocabulary import Channel
from continuum_kit.db import read_copy
from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import (
    basic_challenge,
    basic_credentials,
    bearer_challenge,
    check_admin_only,
    check_admin_token,
    check_partner_secret,
    kept_partner,
    unauthenticated,
)
from continuum_kit.service import Runtime, RuntimeDep
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from continuum_intake.api.deps import PartsDep
from continuum_intake.store import Partner

REALM = "continuum-intake"
COUNTY_IT = "admin"  # who county IT is in what it records (recorded_by, revoked_by)
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


def refused(message: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail=message)


@dataclass(frozen=True)
class AuthenticatedPartner:
    partner_id: str
    channels: frozenset[str]
    event_types: frozenset[str]

    def require_channel(self, channel: Channel) -> None:
        if channel.value not in self.channels:
            raise refused(f"partner {self.partner_id!r} is not registered for channel {channel.value!r}")

    def require_event_type(self, event_type: PartnerEventType) -> None:
        if event_type.value not in self.event_types:
            raise refused(f"partner {self.partner_id!r} is not registered for event type {event_type.value!r}")


@dataclass(frozen=True)
class Caller:
    """County IT (``partner`` None) or a registered partner, on a route that admits both."""

    partner: AuthenticatedPartner | None

    @property
    def name(self) -> str:
        """Who is acting, as recorded: county IT is ``admin``, a partner its id."""
        return self.partner.partner_id if self.partner is not None else COUNTY_IT


BASIC_CHALLENGE = basic_challenge(REALM)
BEARER_CHALLENGE = bearer_challenge(REALM)


@dataclass(frozen=True)
class RegisteredPartner:
    """What sign-in needs of a partner's registration: a plain copy, kept across requests (kit ``accounts.py``)."""

    partner_id: str
    secret_hash: str
    active: bool
    channels: frozenset[str]
    event_types: frozenset[str]


def _registration(row: Partner) -> RegisteredPartner:
    return RegisteredPartner(
        row.partner_id, row.secret_hash, row.active, frozenset(row.channels), frozenset(row.event_types)
    )


def _read_registration(engine: Engine, partner_id: str) -> RegisteredPartner | None:
    return read_copy(engine, Partner, partner_id, _registration)


def _check_partner(credentials: HTTPBasicCredentials | None, runtime: Runtime) -> AuthenticatedPartner:
    registered = None
    if credentials is not None:
        registered = runtime.accounts.get(credentials.username, lambda name: _read_registration(runtime.reader, name))
    partner = check_partner_secret(credentials, registered, REALM)
    return AuthenticatedPartner(partner.partner_id, partner.channels, partner.event_types)


@guard(PARTNER)
async def authenticate_partner(
    credentials: Annotated[HTTPBasicCredentials | None, Depends(partner_basic)], runtime: RuntimeDep
) -> AuthenticatedPartner:
    """In the event loop when the registration and the secret are known already (kit ``kept_partner``), otherwise
    (a read, or scrypt) in a worker thread."""
    if (kept := kept_partner(credentials, runtime.accounts)) is not None:
        return AuthenticatedPartner(kept.partner_id, kept.channels, kept.event_types)
    return await run_in_threadpool(_check_partner, credentials, runtime)


@guard(ADMIN, scope="county IT only: a partner's credentials are refused")
def require_admin(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)],
    request: Request,
    runtime: RuntimeDep,
    parts: PartsDep,
) -> None:
    """County IT's token; a partner signing in with its own right credentials is told 403, not asked again."""

    def check_partner(credentials: HTTPBasicCredentials) -> object:
        return _check_partner(credentials, runtime)

    check_admin_only(parts.admin_token, bearer, basic_credentials(request), check_partner, REALM)


@guard(PARTNER, ADMIN)
def authenticate_caller(
    basic: Annotated[HTTPBasicCredentials | None, Depends(partner_basic)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)],
    runtime: RuntimeDep,
    parts: PartsDep,
) -> Caller:
    """County IT by its token, or a registered partner by HTTP Basic (401 naming both schemes)."""
    if bearer is not None:
        check_admin_token(parts.admin_token, bearer, REALM)
        return Caller(None)
    if basic is None:
        raise unauthenticated(BASIC_CHALLENGE, BEARER_CHALLENGE)
    return Caller(_check_partner(basic, runtime))


CallerDep = Annotated[Caller, Depends(authenticate_caller)]
PartnerDep = Annotated[AuthenticatedPartner, Depends(authenticate_partner)]


def _recorder(event_type: PartnerEventType) -> Callable[..., Awaitable[Caller]]:
    @guard(PARTNER, ADMIN, scope=f"county IT, or a partner registered for event type {event_type.value}")
    async def recorder(caller: CallerDep) -> Caller:  # no I/O: no worker-thread hop
        """County IT, or a partner registered for this kind of record."""
        if caller.partner is not None:
            caller.partner.require_event_type(event_type)
        return caller

    return recorder


def _partner_registered_for(
    event_type: PartnerEventType, also: str = ""
) -> Callable[..., Awaitable[AuthenticatedPartner]]:
    @guard(PARTNER, scope=f"a partner registered for event type {event_type.value}{also}")
    async def registered(partner: PartnerDep) -> AuthenticatedPartner:  # no I/O: no worker-thread hop
        partner.require_event_type(event_type)
        return partner

    return registered


AdminOnly = Depends(require_admin)
PlanRecorderDep = Annotated[Caller, Depends(_recorder(PartnerEventType.CRISIS_PLAN_RECORDED))]
ConsentRecorderDep = Annotated[Caller, Depends(_recorder(PartnerEventType.CONSENT_RECORDED))]
DisclosureRequesterDep = Annotated[
    AuthenticatedPartner, Depends(_partner_registered_for(PartnerEventType.DISCLOSURE_REQUEST))
]
EventSenderDep = Annotated[
    AuthenticatedPartner,
    Depends(_partner_registered_for(PartnerEventType.CONTACT_SUBMITTED, " and for the contact's channel")),
]
