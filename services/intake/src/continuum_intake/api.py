"""Intake's HTTP API for partner systems: post a crisis contact, read an episode."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import Acuity, Channel, Need, ResponseType, SafetyFlag, Stage
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import col, select

from continuum_intake.handlers import NewContact, receive_contact
from continuum_intake.store import Contact, Episode

router = APIRouter(prefix="/v1", tags=["intake"])
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]


class CallerIn(BaseModel):
    """Personal details; kept in intake's person vault only."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    date_of_birth: date | None = None
    address: str | None = Field(default=None, max_length=400)


class SafetyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weapon: bool = False
    violence_in_progress: bool = False
    medical_emergency: bool = False
    imminent_risk_with_means: bool = False

    def flags(self) -> set[SafetyFlag]:
        return {SafetyFlag(name) for name, value in self.model_dump().items() if value}


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Channel
    partner_id: Code = Field(description="the posting partner system's registered id")
    caller: CallerIn | None = None
    safety: SafetyIn = SafetyIn()
    needs: list[Need] = []
    reported_stage: Stage | None = None
    call_type: Code | None = Field(default=None, description="the CAD or 311 call-type code")
    note: str | None = Field(default=None, max_length=4000, description="free text; stays in intake")


class TriageOut(BaseModel):
    stage: Stage
    acuity: Acuity
    recommended_response: ResponseType
    police_required: bool
    reasons: list[str]


class ContactAccepted(BaseModel):
    contact_id: UUID
    episode_id: UUID
    person_id: UUID
    triage: TriageOut


class ContactOut(BaseModel):
    contact_id: UUID
    channel: Channel
    partner_id: str
    call_type: str | None
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
    contacts: list[ContactOut]


@router.post("/contacts", status_code=status.HTTP_201_CREATED, response_model=ContactAccepted)
def post_contact(contact: ContactIn, uow: UnitOfWorkDep) -> ContactAccepted:
    caller = contact.caller or CallerIn()
    new = NewContact(
        channel=contact.channel,
        partner_id=contact.partner_id,
        safety_flags=contact.safety.flags(),
        needs=set(contact.needs),
        reported_stage=contact.reported_stage,
        call_type=contact.call_type,
        name=caller.name,
        phone=caller.phone,
        date_of_birth=caller.date_of_birth,
        address=caller.address,
        note=contact.note,
    )
    stored, episode, decision = receive_contact(uow, new)
    uow.commit()
    return ContactAccepted(
        contact_id=stored.contact_id,
        episode_id=episode.episode_id,
        person_id=episode.person_id,
        triage=TriageOut(
            stage=decision.stage,
            acuity=decision.acuity,
            recommended_response=decision.recommended_response,
            police_required=decision.police_required,
            reasons=decision.reasons,
        ),
    )


@router.get("/episodes/{episode_id}", response_model=EpisodeOut)
def get_episode(episode_id: UUID, session: SessionDep) -> EpisodeOut:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"episode {episode_id} not found")
    contacts = session.exec(
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
        contacts=[
            ContactOut(
                contact_id=c.contact_id,
                channel=c.channel,
                partner_id=c.partner_id,
                call_type=c.call_type,
                received_at=c.received_at,
            )
            for c in contacts
        ],
    )
