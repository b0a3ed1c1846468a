"""Places to go, for operators and facilities: beds free, and the facility's admissions and discharges."""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import PlaceType
from continuum_kit.delivery import UnitOfWork
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from fastapi import Response as HttpResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from continuum_dispatch.api.deps import ADMIN, NOT_LISTED, SIGNED_IN, CodePath
from continuum_dispatch.domain import BedState
from continuum_dispatch.placement import (
    BedConflict,
    UnknownPlace,
    UnknownReservation,
    admit,
    available,
    beds_taken,
    discharge,
)
from continuum_dispatch.store import Place, Reservation

router = APIRouter(tags=["places"])


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place_type: PlaceType | None = Field(default=None, description="required when the place is new; cannot change")
    capacity: int = Field(ge=0)
    accepting: bool = True


class PlaceOut(BaseModel):
    place_id: str
    place_type: PlaceType
    capacity: int
    accepting: bool
    reserved: int
    occupied: int
    available: int


class BedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reservation_id: UUID


class BedOut(BaseModel):
    reservation_id: UUID
    place_id: str
    state: BedState
    reserved_at: datetime
    hold_until: datetime
    admitted_at: datetime | None
    closed_at: datetime | None


def _out(place: Place, session: Session) -> PlaceOut:
    taken = beds_taken(session).get(place.place_id, {})
    counts = {
        "reserved": taken.get(BedState.HELD, 0),
        "occupied": taken.get(BedState.ADMITTED, 0),
        "available": available(place, taken) if place.accepting else 0,
    }
    return PlaceOut.model_validate(place.model_dump() | counts)


@router.get("/places", response_model=list[PlaceOut], dependencies=SIGNED_IN)
def list_places(session: SessionDep) -> list[PlaceOut]:
    places = session.exec(select(Place).order_by(col(Place.place_id))).all()
    return [_out(p, session) for p in places]


@router.get("/places/{place_id}", response_model=PlaceOut, dependencies=SIGNED_IN, responses=NOT_LISTED)
def get_place(place_id: CodePath, session: SessionDep) -> PlaceOut:
    place = session.get(Place, place_id)
    if place is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"place {place_id} not found")
    return _out(place, session)


PLACE_ANSWERS: dict[int | str, dict] = {
    201: {"description": "a new place"},
    409: {"description": "the place exists with another place_type (it cannot change); nothing changed"},
}
BED_ANSWERS: dict[int | str, dict] = {
    200: {"description": "a repeat of a move already made: the same answer, nothing changed"},
    404: {"description": "no such place, or no such reservation at it"},
    409: {"description": "the bed is not in a state that allows it (current_state given); nothing changed"},
}


@router.put("/places/{place_id}", response_model=PlaceOut, dependencies=ADMIN, responses=PLACE_ANSWERS)
def put_place(place_id: CodePath, body: PlaceIn, uow: UnitOfWorkDep, reply: HttpResponse) -> PlaceOut:
    """Set a place's capacity and whether it takes people now; beds already taken stay taken."""
    place = uow.session.get(Place, place_id, with_for_update=True)
    if place is None:
        if body.place_type is None:
            detail = [{"type": "missing", "loc": ["body", "place_type"], "msg": "a new place needs a place_type"}]
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
        place = Place(place_id=place_id, place_type=body.place_type, capacity=body.capacity)
        reply.status_code = status.HTTP_201_CREATED
    elif body.place_type is not None and body.place_type != place.place_type:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"place {place_id} is a {place.place_type}")
    place.capacity, place.accepting = body.capacity, body.accepting
    uow.session.add(place)
    uow.session.flush()
    view = _out(place, uow.session)
    uow.commit()
    return view


BedMove = Callable[[UnitOfWork, str, UUID], Reservation]


def _bed_move(move: BedMove, place_id: str, body: BedIn, uow: UnitOfWork, reply: HttpResponse) -> BedOut:
    try:
        before = len(uow.emitted)
        reservation = move(uow, place_id, body.reservation_id)
    except (UnknownPlace, UnknownReservation) as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
    except BedConflict as conflict:
        detail = {"error": conflict.error, "current_state": conflict.state}
        raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from conflict
    reply.status_code = status.HTTP_201_CREATED if len(uow.emitted) > before else status.HTTP_200_OK
    view = BedOut.model_validate(reservation, from_attributes=True)
    uow.commit()
    return view


@router.post(
    "/places/{place_id}/admissions", response_model=BedOut, status_code=201, dependencies=ADMIN, responses=BED_ANSWERS
)
def post_admission(place_id: CodePath, body: BedIn, uow: UnitOfWorkDep, reply: HttpResponse) -> BedOut:
    """The person arrived: the held bed is now occupied (a repeat answers 200 and changes nothing)."""
    return _bed_move(admit, place_id, body, uow, reply)


@router.post(
    "/places/{place_id}/discharges", response_model=BedOut, status_code=201, dependencies=ADMIN, responses=BED_ANSWERS
)
def post_discharge(place_id: CodePath, body: BedIn, uow: UnitOfWorkDep, reply: HttpResponse) -> BedOut:
    """The person left: the bed is free again (a repeat answers 200 and changes nothing)."""
    return _bed_move(discharge, place_id, body, uow, reply)
