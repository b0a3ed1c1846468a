"""The responder registry: county IT and supervisors keep teams, members, base, coverage and hours current."""

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from continuum_contracts.events import CodeStr
from continuum_kit.clock import Clock
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col, select

from continuum_dispatch.api.deps import ADMIN, NOT_LISTED, SIGNED_IN, ClockDep, CodePath, SettingsDep, unprocessable
from continuum_dispatch.assignment import active_responses, team_of
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import MemberRole, ResponderKind, ResponderStatus
from continuum_dispatch.store import Responder
from continuum_dispatch.team_choice import on_duty
from continuum_dispatch.team_dropout import lock_before_offline, take_over_from_offline

router = APIRouter(tags=["roster"])
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:00"])]


class Member(BaseModel):
    """A team member by staff code: never a name."""

    model_config = ConfigDict(extra="forbid")
    member_id: CodeStr
    role: MemberRole


class DutyHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[Weekday] = Field(min_length=1)
    start: ClockTime
    end: ClockTime = Field(description="before start means the shift runs past midnight")

    @model_validator(mode="after")
    def _not_empty(self) -> "DutyHours":
        if self.start == self.end:
            raise ValueError("end must differ from start (leave hours empty for around the clock)")
        return self


class ResponderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ResponderKind
    members: list[Member] = []
    status: ResponderStatus = ResponderStatus.AVAILABLE
    latitude: float | None = Field(default=None, ge=-90, le=90, description="the team's base or standby point")
    longitude: float | None = Field(default=None, ge=-180, le=180)
    coverage_areas: list[CodeStr] = Field(default=[], description="empty means countywide")
    hours: list[DutyHours] = Field(default=[], description="in the county's timezone; empty means 24/7")

    @model_validator(mode="after")
    def _consistent(self) -> "ResponderIn":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude come together or not at all")
        ids = [m.member_id for m in self.members]
        if len(ids) != len(set(ids)):
            raise ValueError("members: each member_id may appear once")
        return self


class ResponderCreate(ResponderIn):
    responder_id: CodeStr


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: ResponderStatus


class ResponderOut(ResponderIn):
    responder_id: str
    with_peer: bool
    on_duty: bool
    active_responses: int


def _known_areas(body: ResponderIn, settings: DispatchSettings) -> None:
    if not settings.areas:
        return
    for position, area in enumerate(body.coverage_areas):
        if area not in settings.areas:
            message = f"area {area} is not one of the county's areas {sorted(settings.areas)}"
            raise unprocessable("coverage_areas", position, message=message, kind="unknown_area", value=area)


def _out(responder: Responder, active: int, local: datetime) -> ResponderOut:
    team = team_of(responder, active)
    extra = {"with_peer": team.with_peer, "on_duty": on_duty(team.hours, local), "active_responses": active}
    return ResponderOut.model_validate(responder.model_dump() | extra)


def _local(clock: Clock, settings: DispatchSettings) -> datetime:
    return clock.now().astimezone(ZoneInfo(settings.timezone))


def _get(session: Session, responder_id: str) -> Responder:
    responder = session.get(Responder, responder_id, with_for_update=True)
    if responder is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"responder {responder_id} not found")
    return responder


def _saved(uow: UnitOfWork, responder: Responder, settings: DispatchSettings) -> ResponderOut:
    uow.session.add(responder)
    uow.session.flush()
    take_over_from_offline(uow, responder, settings)  # in the same transaction as the status change
    view = _out(responder, active_responses(uow.session).get(responder.responder_id, 0), _local(uow.clock, settings))
    uow.commit()
    return view


@router.get("/responders", response_model=list[ResponderOut], dependencies=SIGNED_IN)
def list_responders(session: SessionDep, clock: ClockDep, settings: SettingsDep) -> list[ResponderOut]:
    load = active_responses(session)
    local = _local(clock, settings)
    responders = session.exec(select(Responder).order_by(col(Responder.responder_id))).all()
    return [_out(r, load.get(r.responder_id, 0), local) for r in responders]


@router.get("/responders/{responder_id}", response_model=ResponderOut, dependencies=SIGNED_IN, responses=NOT_LISTED)
def get_responder(responder_id: CodePath, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> ResponderOut:
    responder = session.get(Responder, responder_id)
    if responder is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"responder {responder_id} not found")
    return _out(responder, active_responses(session).get(responder_id, 0), _local(clock, settings))


@router.post(
    "/responders",
    response_model=ResponderOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=ADMIN,
    responses={409: {"description": "a responder with that responder_id already exists; nothing changed"}},
)
def create_responder(body: ResponderCreate, uow: UnitOfWorkDep, settings: SettingsDep) -> ResponderOut:
    _known_areas(body, settings)
    if uow.session.get(Responder, body.responder_id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"responder {body.responder_id} already exists")
    return _saved(uow, Responder.model_validate(body.model_dump(mode="json")), settings)


UPDATE_ANSWERS: dict[int | str, dict] = {
    200: {"description": "saved; a team set offline has had each live response handed to another team"},
    401: {"description": "no admin token, or a wrong one"},
    404: {"description": "no such responder; nothing changed"},
    422: {"description": "a field is invalid (named in the detail)"},
    503: {"description": "the county configured no admin token: the admin API is off"},
}


@router.put("/responders/{responder_id}", response_model=ResponderOut, dependencies=ADMIN, responses=UPDATE_ANSWERS)
def replace_responder(
    responder_id: CodePath, body: ResponderIn, uow: UnitOfWorkDep, settings: SettingsDep
) -> ResponderOut:
    """Replace a team's record. Set offline, its live responses go to other teams at once."""
    _known_areas(body, settings)
    if body.status == ResponderStatus.OFFLINE:
        lock_before_offline(uow.session, responder_id)
    responder = _get(uow.session, responder_id)
    for field, value in body.model_dump(mode="json").items():
        setattr(responder, field, value)
    return _saved(uow, responder, settings)


@router.patch(
    "/responders/{responder_id}/status", response_model=ResponderOut, dependencies=ADMIN, responses=UPDATE_ANSWERS
)
def set_responder_status(
    responder_id: CodePath, body: StatusIn, uow: UnitOfWorkDep, settings: SettingsDep
) -> ResponderOut:
    """Set a team's status. Offline, each of its live responses goes to the next fitting team at once, in
    this transaction; setting it offline again changes nothing."""
    if body.status == ResponderStatus.OFFLINE:
        lock_before_offline(uow.session, responder_id)
    responder = _get(uow.session, responder_id)
    responder.status = body.status
    return _saved(uow, responder, settings)
