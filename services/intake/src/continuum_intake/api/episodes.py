"""The episode view: its stage and contact history, no PHI in it. County IT sees every contact; a partner
party to the episode sees its own."""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import Acuity, Channel, ResponseType, Stage
from continuum_kit.service import SessionDep
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import col, select

from continuum_intake.api.resource_guards import EpisodeReaderDep
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
    contacts: int = Field(description="the contacts in contact_history")
    contact_history: list[ContactOut]


@router.get(
    "/episodes/{episode_id}",
    response_model=EpisodeOut,
    summary="An episode's stage and the contacts on it the caller may see (county IT: all; a partner: its own)",
)
def get_episode(episode_id: UUID, reader: EpisodeReaderDep, session: SessionDep) -> EpisodeOut:
    episode = session.get_one(Episode, episode_id)  # the reader's guard found it; an episode is never deleted
    query = select(Contact).where(Contact.episode_id == episode_id)
    if reader.caller.partner is not None:  # a partner's view: the contacts it posted
        query = query.where(Contact.partner_id == reader.caller.partner.partner_id)
    history = session.exec(query.order_by(col(Contact.received_at))).all()
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
