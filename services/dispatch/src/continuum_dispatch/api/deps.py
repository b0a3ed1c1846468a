"""What the routes share: dispatch's settings, the bed hold, the admin-token guard of the write API and the
sign-in of the directories' reads."""

from datetime import timedelta
from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.clock import Clock
from continuum_kit.partners import AdminOnly, authenticate_caller
from continuum_kit.service import RuntimeDep, settings_of
from fastapi import Depends, HTTPException, Path, status

from continuum_dispatch.config import DispatchSettings

CodePath = Annotated[str, Path(max_length=64, pattern=CODE_PATTERN)]


SettingsDep = Annotated[DispatchSettings, Depends(settings_of(DispatchSettings))]


async def _clock(runtime: RuntimeDep) -> Clock:
    return runtime.clock


ClockDep = Annotated[Clock, Depends(_clock)]


async def _reservation_hold(settings: SettingsDep) -> timedelta:
    return timedelta(minutes=settings.reservation_hold_minutes)


ReservationHoldDep = Annotated[timedelta, Depends(_reservation_hold)]


async def _progress_timeout(settings: SettingsDep) -> timedelta:
    return timedelta(seconds=settings.progress_timeout_seconds)


ProgressTimeoutDep = Annotated[timedelta, Depends(_progress_timeout)]


ADMIN = [AdminOnly]
# The roster and places hold no episode state: any partner registered with dispatch, or county IT, reads them.
SIGNED_IN = [Depends(authenticate_caller)]
NOT_LISTED = {404: {"description": "no such entry"}}


def unprocessable(field: str | int, *loc: str | int, message: str, kind: str, value: object) -> HTTPException:
    """A 422 shaped like FastAPI's own, naming the field, for checks that need the county's settings."""
    detail = [{"type": kind, "loc": ["body", field, *loc], "msg": message, "input": value}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
