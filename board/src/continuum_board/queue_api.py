"""The "needs a human" queue over HTTP: read it, and acknowledge or resolve an item as the signed-in operator.

Each write answers 200 with the item as it now stands (a repeat too, with no second event), 401 without a sign-in,
404 for an unknown item, 409 with the item's current state when it is already resolved (otherwise), 422 naming the
field of a bad request.
"""

from typing import Annotated

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from continuum_board import queue, supervision
from continuum_board.deps import UNAUTHORIZED, BoardDep, OperatorDep
from continuum_board.store import EscalationRow

router = APIRouter(prefix="/v1/queue", tags=["queue"])
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=CODE_PATTERN)]
EscalationId = Annotated[str, Path(max_length=64, pattern=CODE_PATTERN, description="the escalating event's id")]


class ItemOut(BaseModel):
    escalation_id: str
    episode_id: str
    kind: str
    reason: str
    subject_id: str | None
    party: str | None
    acuity: str | None
    stage: str | None
    urgency: int = Field(description="1 is the most urgent kind")
    raised_at: str
    waited_seconds: int = Field(description="from the escalating event's time to the board's clock (or resolution)")
    state: str = Field(description="open, acknowledged or resolved")
    acknowledged_by: str | None
    acknowledged_at: str | None
    resolved_by: str | None
    resolved_at: str | None
    resolution: str | None
    to_party: str | None


class QueueOut(BaseModel):
    now: str
    items: list[ItemOut]


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: Code = Field(
        default="handled",
        description="a referral: reassigned, closed or kept_open; a handoff: cancelled (it will not happen), or "
        "e.g. handled (it stays open with a new window, and escalates again if the partner still does not move it); "
        "otherwise e.g. handled",
    )
    to_party: Code | None = Field(default=None, description="the partner a referral is reassigned to")


NOT_FOUND = {404: {"description": "no such item in the queue"}}
CONFLICT = {409: {"description": "the item is already resolved; the body holds its current state"}}
INVALID = {422: {"description": "a bad request, naming the field"}}


def _conflict(conflict: supervision.ItemConflict) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, detail={"error": str(conflict), "current": conflict.item})


def _not_found(escalation_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no escalation {escalation_id} in the queue")


@router.get("", response_model=QueueOut, responses=UNAUTHORIZED)
def get_queue(_operator: OperatorDep, board: BoardDep, session: SessionDep) -> dict:
    """The open and acknowledged items, most urgent kind first, then the most acute episode, then the newest."""
    now = board.clock.now()
    return {"now": now.isoformat(), "items": queue.needs_a_human(session, now)}


@router.get("/{escalation_id}", response_model=ItemOut, responses={**UNAUTHORIZED, **NOT_FOUND, **INVALID})
def get_item(escalation_id: EscalationId, _operator: OperatorDep, board: BoardDep, session: SessionDep) -> dict:
    row = session.get(EscalationRow, escalation_id)
    if row is None:
        raise _not_found(escalation_id)
    return queue.one(session, row, board.clock.now())


@router.post(
    "/{escalation_id}/acknowledgement",
    response_model=ItemOut,
    responses={**UNAUTHORIZED, **NOT_FOUND, **CONFLICT, **INVALID},
)
def acknowledge(escalation_id: EscalationId, operator: OperatorDep, uow: UnitOfWorkDep) -> dict:
    """Take the item in hand: publishes ``continuum.escalation.acknowledged.v1`` once, whoever repeats it."""
    try:
        return supervision.acknowledge(uow, escalation_id, operator.username)
    except supervision.UnknownItem:
        raise _not_found(escalation_id) from None
    except supervision.ItemConflict as conflict:
        raise _conflict(conflict) from None


@router.post(
    "/{escalation_id}/resolution",
    response_model=ItemOut,
    responses={**UNAUTHORIZED, **NOT_FOUND, **CONFLICT, **INVALID},
)
def resolve(escalation_id: EscalationId, body: ResolutionIn, operator: OperatorDep, uow: UnitOfWorkDep) -> dict:
    """Resolve the item: publishes ``continuum.escalation.resolved.v1`` once. A referral is reassigned (to_party),
    closed or kept open, and a handoff cancelled or kept open with a new window: the handoff service acts on it. A
    repeat with the same resolution is harmless."""
    asked = supervision.Resolution(body.resolution, body.to_party)
    try:
        return supervision.resolve(uow, escalation_id, operator.username, asked)
    except supervision.UnknownItem:
        raise _not_found(escalation_id) from None
    except supervision.InvalidResolution as invalid:
        detail = [{"type": "value_error", "loc": ["body", invalid.field], "msg": str(invalid)}]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail) from None
    except supervision.ItemConflict as conflict:
        raise _conflict(conflict) from None
