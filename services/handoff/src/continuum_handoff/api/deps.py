"""What the routes share: handoff's settings, and the 403 and 409 answers for a partner's refused move."""

from typing import Annotated, Any, NoReturn

from continuum_kit.service import settings_of
from fastapi import Depends, HTTPException, status

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import NotAddressed, StatusConflict

SettingsDep = Annotated[HandoffSettings, Depends(settings_of(HandoffSettings))]


def refuse(what: str, partner_id: str, refused: NotAddressed) -> NoReturn:
    message = f"{what} is addressed to {refused.to_party}, not {partner_id}"
    detail = {"message": message, "addressed_to": refused.to_party}
    raise HTTPException(status.HTTP_403_FORBIDDEN, detail=detail) from None


def conflict(error: StatusConflict) -> NoReturn:
    detail: dict[str, Any] = {"message": error.message, "current_status": error.current_status}
    raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
