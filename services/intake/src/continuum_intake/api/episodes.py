"""The episode view that any operator tool may read: its stage and contact history, no PHI in it."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import Acuity, Channel, ResponseType, Stage
from continuum_kit.service import SessionDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlmodel import col, select

from continuum_intake.api.validation import PhiSafeRoute
from continuum_intake.store import Contact, Episode

router = APIRouter(prefix="/v1", tags=["episodes"], route_class=PhiSafeRoute)


class ContactOut(BaseModel):
    contact_id: UUID
    channel: Channel
    partner_id: str
    call_type: str | None
    program: str | None
    area: str | None
    recommended_response: ResponseType
    received_at: datetime


class EpisodeOut(BaseModel):
    episode_id: UUID
    person_id: UUID
    stage: Stage
    acuity: Acuity
    recommended_response: ResponseType
    status: str
    opened_at: datetime
    closed_at: datetime | None
    closure_reason: str | None
    contacts: int
    contact_history: list[ContactOut]


@router.get("/episodes/{episode_id}", response_model=EpisodeOut)
def get_episode(episode_id: UUID, session: SessionDep) -> EpisodeOut:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"episode {episode_id} not found")
    history = session.exec(
        select(Contact).where(Contact.episode_id == episode_id).order_by(col(Contact.received_at))
    ).all()
    return EpisodeOut(
        episode_id=episode.episode_id,
        person_id=episode.person_id,
        stage=episode.stage,
        acuity=episode.acuity,
        recommended_response=episode.recommended_response,
        status="closed" if episode.closed_at else "open",
        opened_at=episode.opened_at,
        closed_at=episode.closed_at,
        closure_reason=episode.closure_reason,
        contacts=len(history),
        contact_history=[ContactOut.model_validate(c, from_attributes=True) for c in history],
    )
