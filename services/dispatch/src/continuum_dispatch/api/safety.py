"""Partners on scene: a team's app reports a change of safety; police ask for a mobile team or a peer.

Both authenticate with HTTP Basic as a partner account registered with dispatch by county IT: a team's
account has the team's responder id, a police desk's the id of a police responder on the roster.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from continuum_contracts.events import CodeStr
from continuum_contracts.vocabulary import ResponseType, SafetyFlag
from continuum_kit.guards import PARTNER, guard
from continuum_kit.partners import PartnerDep
from continuum_kit.service import RuntimeDep, UnitOfWorkDep
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi import Response as HttpResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from continuum_dispatch.api.deps import SettingsDep
from continuum_dispatch.api.team_app import TEAM_APP_REFUSALS, AssignedTeamDep
from continuum_dispatch.progress import StatusConflict, UnknownResponse
from continuum_dispatch.safety import report_safety_change
from continuum_dispatch.scene_requests import NotPolice, UnknownEpisode, ask_for_response, is_police
from continuum_dispatch.store import Response, SafetyChange

router = APIRouter(tags=["on scene"])
UNAUTHENTICATED = {401: {"description": "no credentials, or wrong ones"}}
INVALID = {422: {"description": "bad input, naming the field"}}


class SafetyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    change: SafetyFlag = Field(description="what changed on scene")
    reason: CodeStr = Field(min_length=1, description="the team's reason, as a code (never free text)")


class SafetyOut(BaseModel):
    response_id: UUID
    change: SafetyFlag
    reason: str
    reported_by: str
    backup_type: ResponseType = Field(description="the backup the least-restrictive rules called for")
    backup_response_id: UUID | None = Field(description="the backup sent; None when none could go (escalated)")
    peer_stepped_back: bool
    deflection_corrected: bool
    at: datetime


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    response_type: Literal["mobile_team", "peer_support"]
    reason: CodeStr = Field(min_length=1, description="why police ask for it, as a code")


class RequestOut(BaseModel):
    episode_id: UUID
    response_type: ResponseType
    response_id: UUID | None = Field(description="the response sent; None when none could go (escalated)")
    responder_id: str | None
    requested_by: str | None
    already_live: bool = Field(description="a response of that kind was already under way: no second one sent")


@guard(PARTNER, scope="a police desk on the roster", resource="episode_id")
def police_desk(episode_id: UUID, partner_id: PartnerDep, runtime: RuntimeDep) -> str:
    """The signed-in police desk, on an episode dispatch responded to; else 403 (not police) or 404."""
    # A session of its own, closed at once, as the team app's check does (the request's unit of work follows).
    with Session(runtime.reader) as session:
        police = is_police(session, partner_id)
        known = police and session.exec(select(Response.response_id).where(Response.episode_id == episode_id)).first()
    if not police:  # before the episode: a team's app does not learn which episodes dispatch knows
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(NotPolice(partner_id)))
    if not known:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(UnknownEpisode(episode_id)))
    return partner_id


PoliceDeskDep = Annotated[str, Depends(police_desk)]


def _safety_out(record: SafetyChange) -> SafetyOut:
    return SafetyOut.model_validate(record, from_attributes=True)


@router.post(
    "/responses/{response_id}/safety",
    response_model=SafetyOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "a repeat of a change already reported: the first answer, nothing sent again"},
        **TEAM_APP_REFUSALS,
        409: {"description": "the response is not en route or on scene (current_status given)"},
        **INVALID,
    },
)
def post_safety_change(
    response_id: UUID,
    body: SafetyIn,
    team: AssignedTeamDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    answer: HttpResponse,
) -> SafetyOut:
    """The team on the response reports a change of safety: the backup is sent (the team's response stays
    live), the team's peer steps back from any coercive role, and a deflection that no longer holds is
    corrected. A backup nobody can answer is escalated to a supervisor."""
    try:
        reported = report_safety_change(uow, response_id, body.change, body.reason, settings)
    except UnknownResponse as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from None
    except StatusConflict as conflict:
        detail = {"error": conflict.error, "current_status": conflict.current_status}
        raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
    view = _safety_out(reported.record)
    if reported.repeated:
        answer.status_code = status.HTTP_200_OK
    else:
        uow.commit()
    return view


@router.post(
    "/episodes/{episode_id}/response-requests",
    response_model=RequestOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "a response of that kind is already under way on the episode: no second one"},
        **UNAUTHENTICATED,
        403: {"description": "the caller is not a police desk on the roster"},
        404: {"description": "dispatch knows no response on the episode"},
        **INVALID,
    },
)
def post_response_request(
    episode_id: UUID,
    body: RequestIn,
    partner_id: PoliceDeskDep,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    answer: HttpResponse,
) -> RequestOut:
    """Police on scene ask for a mobile team or a peer; it goes to the incident dispatch already knows, or a
    supervisor is told that none can go."""
    response_type = ResponseType(body.response_type)
    try:
        asked = ask_for_response(uow, episode_id, partner_id, response_type, body.reason, settings)
    except NotPolice as refused:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(refused)) from None
    except UnknownEpisode as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(unknown)) from None
    sent = asked.response
    view = RequestOut(
        episode_id=episode_id,
        response_type=response_type,
        response_id=sent.response_id if sent else None,
        responder_id=sent.responder_id if sent else None,
        requested_by=sent.requested_by if sent else partner_id,
        already_live=asked.already_live,
    )
    if asked.already_live:
        answer.status_code = status.HTTP_200_OK
    else:
        uow.commit()
    return view
