"""What the routes share: dispatch's settings, the bed hold, and the admin-token guard of the write API."""

import secrets
from datetime import timedelta
from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.clock import Clock
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, Path, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from continuum_dispatch.config import DispatchSettings

CodePath = Annotated[str, Path(max_length=64, pattern=CODE_PATTERN)]
_bearer = HTTPBearer(auto_error=False)


def _settings(runtime: RuntimeDep) -> DispatchSettings:
    settings = runtime.settings
    assert isinstance(settings, DispatchSettings), "dispatch runs with DispatchSettings"
    return settings


SettingsDep = Annotated[DispatchSettings, Depends(_settings)]


def _clock(runtime: RuntimeDep) -> Clock:
    return runtime.clock


ClockDep = Annotated[Clock, Depends(_clock)]


def _reservation_hold(settings: SettingsDep) -> timedelta:
    return timedelta(minutes=settings.reservation_hold_minutes)


ReservationHoldDep = Annotated[timedelta, Depends(_reservation_hold)]


def require_admin(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """County IT's bearer token; without a configured token the admin API is off rather than open."""
    if settings.admin_token is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="admin API disabled")
    expected = settings.admin_token.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials else b""
    if not secrets.compare_digest(given, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid admin bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )


ADMIN = [Depends(require_admin)]


def unprocessable(field: str | int, *loc: str | int, message: str, kind: str, value: object) -> HTTPException:
    """A 422 shaped like FastAPI's own, naming the field, for checks that need the county's settings."""
    detail = [{"type": kind, "loc": ["body", field, *loc], "msg": message, "input": value}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
