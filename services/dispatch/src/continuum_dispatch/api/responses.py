"""Responses for the mobile-team app and supervisors: read them, move them on, give team members tasks."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from continuum_contracts.events import CodeStr
from continuum_contracts.vocabulary import Disposition, Need, ResponseType
from continuum_kit.idempotency import REPLAYED, IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from fastapi import Response as HttpResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlmodel import Session, col, select

from continuum_dispatch.api.deps import ProgressTimeoutDep, ReservationHoldDep, unprocessable
from continuum_dispatch.api.readers import EpisodeReaderDep, ResponseReaderDep
from continuum_dispatch.api.team_app import TEAM_APP_REFUSALS, AssignedTeamDep
from continuum_dispatch.domain import STATUS_ALIASES, ResponseStatus
from continuum_dispatch.progress import ResponseUpdate, StatusConflict, UnknownResponse, update_response
from continuum_dispatch.store import Reservation, Response, Task
from continuum_dispatch.tasks import NotOnTeam, OutsidePeerRole, assign_task

router = APIRouter(tags=["responses"])
TaskCode = Annotated[str, StringConstraints(min_length=1, max_length=48, pattern=r"^[a-z0-9_]+$")]
CONFLICT = {409: {"description": "the response's current_status does not allow it"}}
ACTOR_LENGTH = 64  # the audit's actor column
INVALID = {422: {"description": "bad input, naming the field"}}


class UpdateIn(BaseModel):
    """What the mobile-team app reports; a disposition comes with the resolution and only then."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["acknowledged", "en_route", "on_scene", "arrived", "resolved"] = Field(
        description="'arrived' is another name for on_scene"
    )
    disposition: Disposition | None = None
    needs: list[Need] | None = None

    @model_validator(mode="after")
    def _disposition_only_on_resolution(self) -> "UpdateIn":
        if self.status == "resolved" and self.disposition is None:
            raise ValueError("disposition is required when status is resolved")
        if self.status != "resolved" and self.disposition is not None:
            raise ValueError("disposition is only allowed when status is resolved")
        return self

    def change(self) -> ResponseUpdate:
        status = STATUS_ALIASES.get(self.status) or ResponseStatus(self.status)
        return ResponseUpdate(status, self.disposition, self.needs)


class ReservationOut(BaseModel):
    reservation_id: UUID
    place_id: str
    state: str
    reserved_at: datetime
    hold_until: datetime
    admitted_at: datetime | None
    closed_at: datetime | None


class ResponseOut(BaseModel):
    response_id: UUID
    episode_id: UUID
    response_type: ResponseType
    responder_id: str
    with_peer: bool
    status: ResponseStatus
    eta_minutes: int
    target_minutes: int | None
    area: str | None
    assigned_at: datetime
    acknowledge_due: datetime | None
    target_due: datetime | None
    replaces: UUID | None
    reason: str | None
    backs_up: UUID | None
    requested_by: str | None
    progress_due: datetime | None
    dropped_out: str | None = Field(description="why its team lost it while nobody could take it over yet")
    handover_due: datetime | None
    disposition: Disposition | None
    needs: list[Need]
    resolved_at: datetime | None
    updated_at: datetime
    reservation: ReservationOut | None


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: TaskCode = Field(description="e.g. safety_planning, medication, involuntary_hold")
    assignee_member_id: CodeStr
    assigned_by: CodeStr | None = Field(default=None, description="the member giving the task, as a code")


class TaskOut(BaseModel):
    task_id: UUID
    response_id: UUID
    task: str
    assignee_member_id: str
    assigned_by: str | None = Field(description="who gave it: the signed-in team, then '/' and the member if named")
    at: datetime


def _response_out(session: Session, response: Response) -> ResponseOut:
    reservation = session.exec(select(Reservation).where(Reservation.response_id == response.response_id)).first()
    held = None if reservation is None else ReservationOut.model_validate(reservation, from_attributes=True)
    return ResponseOut.model_validate({**response.model_dump(), "reservation": held})


def _conflict(conflict: StatusConflict) -> HTTPException:
    detail = {"error": conflict.error, "current_status": conflict.current_status}
    return HTTPException(status.HTTP_409_CONFLICT, detail=detail)


@router.get("/responses/{response_id}", response_model=ResponseOut)
def get_response(response_id: UUID, reader: ResponseReaderDep, session: SessionDep) -> ResponseOut:
    """A response with its due times and bed reservation, for county IT and the partners party to it."""
    response = session.get(Response, response_id)
    if response is None:  # the guard found it: a response is never deleted
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"response {response_id} not found")
    return _response_out(session, response)


@router.get("/episodes/{episode_id}/responses", response_model=list[ResponseOut])
def list_episode_responses(episode_id: UUID, visible: EpisodeReaderDep, session: SessionDep) -> list[ResponseOut]:
    """The episode's responses the caller may read, oldest first: all of them for county IT."""
    query = (
        select(Response)
        .where(Response.episode_id == episode_id, col(Response.response_id).in_(visible))
        .order_by(col(Response.assigned_at))
    )
    return [_response_out(session, response) for response in session.exec(query).all()]


@router.post(
    "/responses/{response_id}/updates",
    response_model=ResponseOut,
    responses={**TEAM_APP_REFUSALS, **CONFLICT, **INVALID},
)
def post_response_update(
    response_id: UUID,
    update: UpdateIn,
    team: AssignedTeamDep,
    uow: UnitOfWorkDep,
    hold: ReservationHoldDep,
    progress: ProgressTimeoutDep,
) -> ResponseOut:
    """The assigned team's app moves its response on; a repeated report gives the same answer and changes nothing."""
    try:
        response = update_response(uow, response_id, update.change(), hold, progress)
    except UnknownResponse as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
    except StatusConflict as conflict:
        raise _conflict(conflict) from conflict
    view = _response_out(uow.session, response)
    uow.commit()
    return view


@router.post(
    "/responses/{response_id}/tasks",
    response_model=TaskOut,
    status_code=status.HTTP_201_CREATED,
    responses={**REPLAYED, **TEAM_APP_REFUSALS, **CONFLICT, **INVALID},
)
def post_task(
    response_id: UUID,
    body: TaskIn,
    team: AssignedTeamDep,
    uow: UnitOfWorkDep,
    response: HttpResponse,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TaskOut:
    """The assigned team's app gives one of its members a task; clinical and coercive tasks are refused for
    peers, and audited. The actor recorded is the signed-in team and the member giving it: ``team/member``.

    A retry with the same Idempotency-Key gets the first answer (200) and gives no second task.
    """
    actor = f"{team}/{body.assigned_by}" if body.assigned_by else team
    if len(actor) > ACTOR_LENGTH:
        raise unprocessable(
            "assigned_by", message="too long for the audit", kind="string_too_long", value=body.assigned_by
        )

    def assign() -> TaskOut:
        try:
            task = assign_task(uow, response_id, body.task, body.assignee_member_id, actor)
        except UnknownResponse as unknown:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from unknown
        except StatusConflict as conflict:
            raise _conflict(conflict) from conflict
        except NotOnTeam as stranger:
            loc = ["body", "assignee_member_id"]
            detail = [{"type": "not_on_team", "loc": loc, "msg": str(stranger), "input": body.assignee_member_id}]
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail) from stranger
        except OutsidePeerRole as refused:
            uow.commit()  # the refusal's audit row stays, though the task does not (and no answer is kept)
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(refused)) from refused
        return TaskOut.model_validate(task, from_attributes=True)

    keys = request_keys(team, f"POST /v1/responses/{response_id}/tasks", body, idempotency_key)
    return answer_once(uow, keys, response, assign, status_code=status.HTTP_201_CREATED)


@router.get("/responses/{response_id}/tasks", response_model=list[TaskOut])
def list_tasks(response_id: UUID, reader: ResponseReaderDep, session: SessionDep) -> list[TaskOut]:
    """The tasks given on a response, oldest first, for county IT and the partners party to it."""
    query = select(Task).where(Task.response_id == response_id).order_by(col(Task.at))
    return [TaskOut.model_validate(task, from_attributes=True) for task in session.exec(query).all()]
