"""The board's HTTP surface: sign-in, the board page and its live stream, the timeline and KPI APIs, and
county IT's operator admin. Every route but sign-in and sign-out, the sign-in page and ``/health`` has a guard
(``deps``): a signed-in operator's session, or county IT's admin token for the operator accounts."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from importlib import resources
from typing import Annotated
from uuid import UUID

from continuum_contracts.events import CODE_PATTERN
from continuum_kit.service import SessionDep
from continuum_kit.sign_in_limits import TOO_MANY, client_of, too_many
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from continuum_board import accounts, views
from continuum_board.accounts import SignedIn
from continuum_board.deps import COOKIE, BoardDep, CountyItOnly, EndingCookie, OperatorDep, signed_in
from continuum_board.kpis import dimensions
from continuum_board.runtime import BoardRuntime

_PAGES = resources.files("continuum_board") / "static"

router = APIRouter()


# pages


def _page(name: str) -> HTMLResponse:
    return HTMLResponse(
        (_PAGES / name).read_text(encoding="utf-8"),
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/", include_in_schema=False, response_model=None)
def board_page(operator: Annotated[SignedIn | None, Depends(signed_in)]) -> Response:
    if operator is None:
        return RedirectResponse("/signin", status_code=status.HTTP_303_SEE_OTHER)
    return _page("board.html")


@router.get("/signin", include_in_schema=False)
def signin_page() -> HTMLResponse:
    return _page("signin.html")


# sessions

Username = Annotated[str, Field(min_length=1, max_length=64, pattern=CODE_PATTERN)]


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class SignedInOut(BaseModel):
    username: str
    expires_at: str


@router.post(
    "/v1/session",
    tags=["sessions"],
    response_model=SignedInOut,
    responses={401: {"description": "wrong username or password"}, **TOO_MANY},
)
def post_session(
    body: SignInBody, request: Request, response: Response, board: BoardDep, session: SessionDep
) -> SignedInOut | JSONResponse:
    """Sign in: sets an HttpOnly, SameSite=Strict session cookie. A wrong name or password is 401 either way;
    too many wrong ones from one address or for one name are 429 before any password is checked."""
    client = client_of(request.scope)
    if (wait := board.sign_in_checks.wait_seconds(client, body.username)) is not None:
        return too_many(wait)
    lifetime = timedelta(hours=board.settings.session_hours)
    now = board.clock.now()
    token = accounts.sign_in(session, body.username, body.password, now, lifetime)
    if token is None:
        board.sign_in_checks.failed(client, body.username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong username or password")
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=board.settings.session_cookie_secure,
    )
    return SignedInOut(username=body.username, expires_at=(now + lifetime).isoformat())


@router.delete("/v1/session", tags=["sessions"], status_code=status.HTTP_204_NO_CONTENT)
def delete_session(response: Response, session: SessionDep, token: EndingCookie = None) -> None:
    """Sign out: the session ends on the server, not only in this browser. Open by design: the cookie is the
    only credential it needs, and without one (or with an ended one) it is 204 too and ends nothing."""
    accounts.sign_out(session, token)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


@router.get("/v1/session", tags=["sessions"], response_model=SignedInOut)
def get_session(operator: OperatorDep) -> SignedInOut:
    return SignedInOut(username=operator.username, expires_at=operator.expires_at.isoformat())


# the board


def _kpi_by(board: BoardRuntime, by: str) -> str:
    allowed = dimensions(board.settings)
    if by not in allowed:
        detail = [{"type": "enum", "loc": ["query", "by"], "msg": f"by must be one of {', '.join(allowed)}"}]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
    return by


ByQuery = Annotated[str, Query(max_length=64, description="program, channel, area or a demographic field")]


@router.get("/v1/board", tags=["board"])
def get_board(_operator: OperatorDep, board: BoardDep, session: SessionDep, by: ByQuery = "program") -> dict:
    """Everything the board page shows, as JSON."""
    return views.snapshot(session, board.clock.now(), board.settings, board.kpis, _kpi_by(board, by))


@router.get("/v1/board/stream", tags=["board"], response_class=StreamingResponse)
async def stream_board(request: Request, _operator: OperatorDep, board: BoardDep, by: ByQuery = "program"):  # noqa: ANN201
    """Server-sent events: a ``board`` event with the whole board whenever an episode event changed it
    (and every 15 s regardless). The stream ends when the operator's session does."""
    by = _kpi_by(board, by)
    token = request.cookies.get(COOKIE)

    def read(last: int | None) -> tuple[int, dict | None, bool]:
        with Session(board.engine) as session:
            now = board.clock.now()
            still_in = accounts.signed_in(session, token, now) is not None
            current = views.version(session)
            if current == last:
                return current, None, still_in
            return current, board.snapshots.get(session, now, current, by), still_in

    async def events() -> AsyncIterator[str]:
        last: int | None = None
        since_sent = 0.0
        yield "retry: 2000\n\n"
        while not board.closing.is_set() and not await request.is_disconnected():
            current, body, still_in = await asyncio.to_thread(read, None if since_sent >= 15 else last)
            if not still_in:
                yield "event: signed_out\ndata: {}\n\n"
                return
            if body is not None:
                last, since_sent = current, 0.0
                yield f"event: board\ndata: {json.dumps(body, separators=(',', ':'))}\n\n"
            await asyncio.sleep(board.settings.board_refresh_seconds)
            since_sent += board.settings.board_refresh_seconds

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/v1/episodes/{episode_id}/timeline",
    tags=["board"],
    responses={404: {"description": "the board has no event of that episode"}},
)
def get_timeline(episode_id: UUID, _operator: OperatorDep, session: SessionDep) -> dict:
    """Every event of the episode in the order the topic carried it: type, source service, time, id, trace id."""
    events = views.timeline(session, episode_id)
    if not events:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no events for episode {episode_id}")
    return {"episode_id": str(episode_id), "events": events}


@router.get("/v1/kpis", tags=["board"])
def get_kpis(_operator: OperatorDep, board: BoardDep, session: SessionDep, by: ByQuery = "program") -> dict:
    """The crisis KPIs in total and per value of ``by``."""
    return views.kpi_table(board.kpis, _kpi_by(board, by), session)


# county IT: operators


class OperatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Annotated[str, Field(min_length=12, max_length=1024, description="at least 12 characters")]


class OperatorOut(BaseModel):
    username: str
    created_at: str


ADMIN = [CountyItOnly]
OPERATOR_EXISTS = {409: {"description": "an operator of that username exists"}}
NO_OPERATOR = {404: {"description": "no operator of that username"}}


@router.post(
    "/v1/admin/operators",
    tags=["admin"],
    dependencies=ADMIN,
    status_code=status.HTTP_201_CREATED,
    responses=OPERATOR_EXISTS,
)
def post_operator(body: OperatorIn, board: BoardDep, session: SessionDep) -> OperatorOut:
    try:
        operator = accounts.create_operator(session, body.username, body.password, board.clock.now())
    except accounts.OperatorExists:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"operator {body.username} already exists") from None
    return OperatorOut(username=operator.username, created_at=operator.created_at.isoformat())


@router.get("/v1/admin/operators", tags=["admin"], dependencies=ADMIN)
def list_operators(session: SessionDep) -> list[OperatorOut]:
    return [OperatorOut(username=o.username, created_at=o.created_at.isoformat()) for o in accounts.operators(session)]


@router.delete(
    "/v1/admin/operators/{username}", tags=["admin"], dependencies=ADMIN, status_code=204, responses=NO_OPERATOR
)
def delete_operator(username: str, session: SessionDep) -> None:
    if not accounts.remove_operator(session, username):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"operator {username} not found")
