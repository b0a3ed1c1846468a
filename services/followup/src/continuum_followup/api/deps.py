"""What the routes share: followup's settings, and the check-in as a peer sees it."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from continuum_contracts.vocabulary import FollowupChannel
from continuum_kit.service import settings_of
from fastapi import Depends
from pydantic import BaseModel, Field

from continuum_followup.config import FollowupSettings
from continuum_followup.store import Checkin

SettingsDep = Annotated[FollowupSettings, Depends(settings_of(FollowupSettings))]


class CheckinOut(BaseModel):
    followup_id: UUID
    episode_id: UUID
    sequence: int
    due_at: datetime
    channel: FollowupChannel
    assigned_peer: str
    recipient: str
    status: str
    attempts: int
    completed_at: datetime | None
    round: int = Field(description="the plan's round it belongs to: a person who came back starts a new one")


def checkin_out(checkin: Checkin) -> CheckinOut:
    return CheckinOut.model_validate(checkin, from_attributes=True)
