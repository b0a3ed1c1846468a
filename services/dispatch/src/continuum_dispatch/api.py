"""Dispatch's HTTP API: the mobile-team app's response updates, and the roster and places for operators."""

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from continuum_contracts.vocabulary import Disposition, Need, PlaceType, ResponseType
from continuum_kit.service import RuntimeDep, SessionDep, UnitOfWorkDep
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, model_validator
from sqlmodel import Session, col, select

from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import ResponderKind, ResponderStatus, ResponseStatus
from continuum_dispatch.handlers import (
    ResponseUpdate,
    StatusConflict,
    UnknownResponse,
    active_responses,
    update_response,
)
from continuum_dispatch.store import Place, Reservation, Responder, Response

router = APIRouter(prefix="/v1", tags=["dispatch"])


def _reservation_hold(runtime: RuntimeDep) -> timedelta:
    settings = runtime.settings
    assert isinstance(settings, DispatchSettings), "dispatch runs with DispatchSettings"
    return timedelta(minutes=settings.reservation_hold_minutes)


ReservationHoldDep = Annotated[timedelta, Depends(_reservation_hold)]


class UpdateIn(BaseModel):
    """What the mobile-team app reports; a disposition comes with the resolution and only then."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["acknowledged", "en_route", "on_scene", "resolved"]
    disposition: Disposition | None = None
    needs: list[Need] | None = None

    @model_validator(mode="after")
    def _disposition_only_on_resolution(self) -> "UpdateIn":
        if self.status == "resolved" and self.disposition is None:
            raise ValueError("disposition is required when status is resolved")
        if self.status != "resolved" and self.disposition is not None:
            raise ValueError("disposition is only allowed when status is resolved")
        return self


class ReservationOut(BaseModel):
    reservation_id: UUID
    place_id: str
    reserved_at: datetime
    hold_until: datetime


class ResponseOut(BaseModel):
    response_id: UUID
    episode_id: UUID
    response_type: ResponseType
    responder_id: str
    with_peer: bool
    status: ResponseStatus
    eta_minutes: int
    assigned_at: datetime
    disposition: Disposition | None
    needs: list[Need]
    resolved_at: datetime | None
    updated_at: datetime
    reservation: ReservationOut | None


class ResponderOut(BaseModel):
    responder_id: str
    kind: ResponderKind
    with_peer: bool
    area: str
    status: ResponderStatus
    active_responses: int


class PlaceOut(BaseModel):
    place_id: str
    place_type: PlaceType
    capacity: int
    occupied: int
    available: int


def _response_out(session: Session, response: Response) -> ResponseOut:
    reservation = session.exec(select(Reservation).where(Reservation.response_id == response.response_id)).first()
    held = None if reservation is None else ReservationOut.model_validate(reservation, from_attributes=True)
    return ResponseOut.model_validate({**response.model_dump(), "reservation": held})


@router.get("/responses/{response_id}", response_model=ResponseOut)
def get_response(response_id: UUID, session: SessionDep) -> ResponseOut:
    response = session.get(Response, response_id)
    if response is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"response {response_id} not found")
    return _response_out(session, response)


@router.get("/episodes/{episode_id}/responses", response_model=list[ResponseOut])
def list_episode_responses(episode_id: UUID, session: SessionDep) -> list[ResponseOut]:
    query = select(Response).where(Response.episode_id == episode_id).order_by(col(Response.assigned_at))
    return [_response_out(session, response) for response in session.exec(query).all()]


@router.post("/responses/{response_id}/updates", response_model=ResponseOut)
def post_response_update(
    response_id: UUID, update: UpdateIn, uow: UnitOfWorkDep, hold: ReservationHoldDep
) -> ResponseOut:
    change = ResponseUpdate(ResponseStatus(update.status), update.disposition, update.needs)
    try:
        response = update_response(uow, response_id, change, hold)
    except UnknownResponse as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
    except StatusConflict as conflict:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail={"error": conflict.error, "current_status": conflict.current_status}
        ) from conflict
    view = _response_out(uow.session, response)
    uow.commit()
    return view


@router.get("/responders", response_model=list[ResponderOut])
def list_responders(session: SessionDep) -> list[ResponderOut]:
    load = active_responses(session)
    responders = session.exec(select(Responder).order_by(col(Responder.responder_id))).all()
    return [
        ResponderOut.model_validate({**r.model_dump(), "active_responses": load.get(r.responder_id, 0)})
        for r in responders
    ]


@router.get("/places", response_model=list[PlaceOut])
def list_places(session: SessionDep) -> list[PlaceOut]:
    places = session.exec(select(Place).order_by(col(Place.place_id))).all()
    return [PlaceOut.model_validate({**p.model_dump(), "available": max(p.capacity - p.occupied, 0)}) for p in places]
