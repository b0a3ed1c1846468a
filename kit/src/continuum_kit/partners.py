"""Who may call a service: partner systems by HTTP Basic, county IT by the admin bearer token.

Every service keeps its own partner accounts (least privilege: a partner registered with handoff is
not thereby registered with intake), with scrypt-hashed secrets and the same checks everywhere:
401 for a missing or wrong credential (the same cost for an unknown partner id as for a wrong secret),
503 when the county has not configured an admin token (the admin API is off rather than open).
Intake has richer registrations (channels, event types) in a table of its own and reuses
:func:`check_partner_secret`; the other services use :class:`PartnerAccount` and :func:`partner_admin_router`.
"""

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol, TypeVar

import sqlalchemy as sa
from alembic import op
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field as Column
from sqlmodel import SQLModel, col, select
from starlette.concurrency import run_in_threadpool

from continuum_kit.accounts import KeptAccounts
from continuum_kit.db import UTCDateTime, read_copy
from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.passwords import DECOY_HASH, VerifiedSecrets, hash_secret, verify_secret
from continuum_kit.service import Runtime, RuntimeDep, SessionDep, UnitOfWorkDep
from continuum_kit.settings import PARTNER_SECRET_MIN_LENGTH
from continuum_kit.sign_in_limits import basic_pair

PARTNER_ID_PATTERN = r"^[a-z0-9][a-z0-9_.:-]*$"
PartnerId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=PARTNER_ID_PATTERN)]

partner_basic = HTTPBasic(
    scheme_name="partner", auto_error=False, description="a registered partner system: partner_id and secret"
)
admin_bearer = HTTPBearer(scheme_name="admin", auto_error=False, description="the county's CONTINUUM_ADMIN_TOKEN")
ADMIN_DISABLED = "admin API disabled: set CONTINUUM_ADMIN_TOKEN"
_verified = VerifiedSecrets()


def basic_challenge(realm: str) -> str:
    return f'Basic realm="{realm}"'


def bearer_challenge(realm: str) -> str:
    return f'Bearer realm="{realm}"'


def unauthenticated(*challenges: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="missing or wrong credentials",
        headers={"WWW-Authenticate": ", ".join(challenges)},
    )


def check_admin_token(
    configured: SecretStr | None, credentials: HTTPAuthorizationCredentials | None, realm: str
) -> None:
    """County IT's bearer token, compared in constant time; without a configured token the admin API is off."""
    if configured is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=ADMIN_DISABLED)
    expected = configured.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials is not None else b""
    if not hmac.compare_digest(given, expected):
        raise unauthenticated(bearer_challenge(realm))


COUNTY_IT_ONLY = "county IT only: this needs the admin token, and a partner's credentials do not give it"


def check_admin_only(
    configured: SecretStr | None,
    bearer: HTTPAuthorizationCredentials | None,
    basic: HTTPBasicCredentials | None,
    check_partner: Callable[[HTTPBasicCredentials], object],
    realm: str,
) -> None:
    """County IT's token; a partner that signs in with its own (right) credentials instead is 403, not 401."""
    if bearer is None and basic is not None and configured is not None:
        check_partner(basic)  # 401 when they are wrong
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=COUNTY_IT_ONLY)
    check_admin_token(configured, bearer, realm)


def _realm(runtime: RuntimeDep) -> str:
    return f"continuum-{runtime.settings.service_name}"


def basic_credentials(request: Request) -> HTTPBasicCredentials | None:
    """HTTP Basic credentials if the request carries them, read without declaring Basic in the route's
    OpenAPI (an admin route does not accept them: it only tells a partner 403 rather than 401)."""
    pair = basic_pair(request.headers.get("Authorization", ""))
    return HTTPBasicCredentials(username=pair[0], password=pair[1]) if pair else None


@guard(ADMIN, scope="county IT only: a partner's credentials are refused")
def require_admin(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)], request: Request, runtime: RuntimeDep
) -> None:
    def check_partner(credentials: HTTPBasicCredentials) -> object:
        return check_partner_secret(credentials, _account(runtime, credentials.username), _realm(runtime))

    check_admin_only(runtime.settings.admin_token, bearer, basic_credentials(request), check_partner, _realm(runtime))


AdminOnly = Depends(require_admin)


class Registered(Protocol):
    partner_id: str
    secret_hash: str
    active: bool


P = TypeVar("P", bound=Registered)


def kept_partner(credentials: HTTPBasicCredentials | None, accounts: KeptAccounts[P]) -> P | None:
    """The signed-in partner's account at once, with no I/O and no worker thread, when it is kept (``accounts.py``)
    and this very secret was verified against its hash before; None when the full check must be made."""
    if credentials is None or (kept := accounts.peek(credentials.username)) is None:
        return None
    if not kept.active or kept.partner_id != credentials.username:
        return None
    return kept if _verified.known(kept.partner_id, kept.secret_hash, credentials.password) else None


def check_partner_secret(credentials: HTTPBasicCredentials | None, registered: P | None, realm: str) -> P:
    """The registered partner whose secret the credentials carry, or 401 (same scrypt cost either way)."""
    if credentials is None:
        raise unauthenticated(basic_challenge(realm))
    if registered is None or not registered.active or registered.partner_id != credentials.username:
        # The same scrypt cost as a known partner, so that timing does not tell which partner ids exist.
        verify_secret(credentials.password, DECOY_HASH)
        raise unauthenticated(basic_challenge(realm))
    if not _verified.check(registered.partner_id, registered.secret_hash, credentials.password):
        raise unauthenticated(basic_challenge(realm))
    return registered


class PartnerAccount(SQLModel, table=True):
    """A partner system allowed to act on this service, with a scrypt hash of its secret (never the secret)."""

    __tablename__ = "partner_account"
    partner_id: str = Column(primary_key=True, max_length=64)
    secret_hash: str = Column(max_length=255)
    created_at: datetime = Column(sa_type=UTCDateTime)
    active: bool = True


def create_partner_table() -> None:
    """The partner accounts of a service that uses the kit's registry; called by its migration."""
    op.create_table(
        "partner_account",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
    )


def drop_partner_table() -> None:
    op.drop_table("partner_account")


@dataclass(frozen=True)
class SignInAccount:
    """What sign-in needs of a stored account: a plain copy, kept across requests (``accounts.py``)."""

    partner_id: str
    secret_hash: str
    active: bool


def _read_account(engine: Engine, partner_id: str) -> SignInAccount | None:
    return read_copy(
        engine, PartnerAccount, partner_id, lambda row: SignInAccount(row.partner_id, row.secret_hash, row.active)
    )


def _account(runtime: Runtime, partner_id: str) -> SignInAccount | None:
    return runtime.accounts.get(partner_id, lambda wanted: _read_account(runtime.reader, wanted))


PartnerCredentials = Annotated[HTTPBasicCredentials | None, Depends(partner_basic)]
"""A partner's HTTP Basic credentials as sent (None without), declared in the route's OpenAPI; not yet checked."""


def signed_in_partner(credentials: HTTPBasicCredentials | None, runtime: Runtime) -> str:
    """The id of the partner system making the request, proved by its secret (401 otherwise).

    A guard that needs the partner and a record of its own calls this itself: one worker-thread hop for both
    reads instead of one each (a plain ``def`` dependency is a hop of its own, 0.25–0.3 ms of CPU)."""
    registered = _account(runtime, credentials.username) if credentials is not None else None
    return check_partner_secret(credentials, registered, _realm(runtime)).partner_id


@guard(PARTNER)
async def authenticate_partner(credentials: PartnerCredentials, runtime: RuntimeDep) -> str:
    """The id of the partner system making the request, proved by its secret: in the event loop when the account
    and the secret are known already, otherwise (a read, or scrypt) in a worker thread."""
    if (kept := kept_partner(credentials, runtime.accounts)) is not None:
        return kept.partner_id
    return await run_in_threadpool(signed_in_partner, credentials, runtime)


PartnerDep = Annotated[str, Depends(authenticate_partner)]


@dataclass(frozen=True)
class Caller:
    """Who is calling a route that county IT and partners may both call: ``partner_id`` None is county IT."""

    partner_id: str | None

    @property
    def county_it(self) -> bool:
        return self.partner_id is None


@guard(PARTNER, ADMIN)
def authenticate_caller(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(partner_basic)],
    runtime: RuntimeDep,
) -> Caller:
    """County IT by its bearer token, or a registered partner by HTTP Basic (401 naming both schemes)."""
    realm = _realm(runtime)
    if bearer is not None:
        check_admin_token(runtime.settings.admin_token, bearer, realm)
        return Caller(None)
    if basic is None:
        raise unauthenticated(basic_challenge(realm), bearer_challenge(realm))
    return Caller(check_partner_secret(basic, _account(runtime, basic.username), realm).partner_id)


CallerDep = Annotated[Caller, Depends(authenticate_caller)]


class PartnerAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_id: PartnerId
    secret: str = Field(
        min_length=PARTNER_SECRET_MIN_LENGTH,
        max_length=200,
        description="the partner's HTTP Basic password; stored hashed",
    )


class PartnerAccountOut(BaseModel):
    """A registered partner, without its secret or the secret's hash."""

    partner_id: str
    created_at: datetime
    active: bool


def partner_admin_router() -> APIRouter:
    """County IT registers and lists the partner systems that may act on this service."""
    router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[AdminOnly])

    @router.post(
        "/partners",
        status_code=status.HTTP_201_CREATED,
        response_model=PartnerAccountOut,
        responses={409: {"description": "a partner with that id is already registered"}},
    )
    def register_partner(body: PartnerAccountIn, uow: UnitOfWorkDep) -> PartnerAccountOut:
        conflict = HTTPException(status.HTTP_409_CONFLICT, detail=f"partner {body.partner_id!r} is already registered")
        if uow.session.get(PartnerAccount, body.partner_id) is not None:
            raise conflict
        account = PartnerAccount(
            partner_id=body.partner_id, secret_hash=hash_secret(body.secret), created_at=uow.clock.now()
        )
        uow.session.add(account)
        try:
            uow.commit()
        except IntegrityError:  # registered by a concurrent request
            raise conflict from None
        return PartnerAccountOut.model_validate(account, from_attributes=True)

    @router.get("/partners", response_model=list[PartnerAccountOut])
    def list_partners(session: SessionDep) -> list[PartnerAccountOut]:
        accounts = session.exec(select(PartnerAccount).order_by(col(PartnerAccount.partner_id))).all()
        return [PartnerAccountOut.model_validate(account, from_attributes=True) for account in accounts]

    return router
