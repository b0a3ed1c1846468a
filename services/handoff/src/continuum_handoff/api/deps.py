"""What the routes share: handoff's settings, and the 409 answer for a move the current status does not allow."""

from typing import Annotated, Any, NoReturn

from continuum_kit.service import settings_of
from fastapi import Depends, HTTPException, status

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import StatusConflict

SettingsDep = Annotated[HandoffSettings, Depends(settings_of(HandoffSettings))]
CONFLICT: dict[str, Any] = {"description": "the current status does not allow it; detail has current_status"}


def conflict(error: StatusConflict) -> NoReturn:
    detail: dict[str, Any] = {"message": error.message, "current_status": error.current_status}
    raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
