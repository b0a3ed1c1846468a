"""What the board's routes depend on: the runtime, the signed-in operator (401 without one), and county IT's
admin token for the operator accounts (an operator's own session there is 403, not 401)."""

from typing import Annotated

from continuum_kit.guards import ADMIN, OPERATOR, guard
from continuum_kit.partners import admin_bearer, check_admin_token
from fastapi import Cookie, Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials
from sqlmodel import Session

from continuum_board import accounts
from continuum_board.accounts import SignedIn
from continuum_board.runtime import BoardRuntime

COOKIE = "continuum_board_session"
REALM = "continuum-board"
COUNTY_IT_ONLY = "county IT only: this needs the admin token, and an operator's session does not give it"

# Declared as a security scheme, so that the OpenAPI says which routes take the session and tools can send it.
session_cookie = APIKeyCookie(
    name=COOKIE,
    scheme_name="operator",
    auto_error=False,
    description="a board operator's session, set by POST /v1/session",
)


async def _runtime(request: Request) -> BoardRuntime:
    return request.app.state.runtime


BoardDep = Annotated[BoardRuntime, Depends(_runtime)]
TokenCookie = Annotated[str | None, Depends(session_cookie)]
# Sign-out takes the cookie as a plain parameter, not as the security scheme: it is open by design (the cookie it
# ends is all it needs, and without one it ends nothing), so its OpenAPI must not promise a 401.
EndingCookie = Annotated[str | None, Cookie(alias=COOKIE, description="the session to end")]


def _signed_in(board: BoardRuntime, token: str | None) -> SignedIn | None:
    # A session of its own, closed at once: on SQLite an open transaction would hold the database for the
    # whole of a long response such as the live stream.
    with Session(board.engine) as session:
        return accounts.signed_in(session, token, board.clock.now())


def signed_in(board: BoardDep, token: TokenCookie) -> SignedIn | None:
    return _signed_in(board, token)


@guard(OPERATOR)
def require_operator(operator: Annotated[SignedIn | None, Depends(signed_in)]) -> SignedIn:
    if operator is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="sign in first", headers={"WWW-Authenticate": "Cookie"}
        )
    return operator


OperatorDep = Annotated[SignedIn, Depends(require_operator)]


@guard(ADMIN, scope="county IT only: an operator's session is refused")
def require_county_it(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)], request: Request, board: BoardDep
) -> None:
    """County IT's bearer token. The session cookie is read from the request, not declared: an operator route's
    credential is not accepted here, it only tells a signed-in operator 403 rather than asking them to sign in."""
    configured = board.settings.admin_token
    if bearer is None and configured is not None and _signed_in(board, request.cookies.get(COOKIE)) is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=COUNTY_IT_ONLY)
    check_admin_token(configured, bearer, REALM)


CountyItOnly = Depends(require_county_it)
UNAUTHORIZED = {401: {"description": "not signed in"}}
