"""What the board's routes depend on: the runtime, and the signed-in operator (401 without one)."""

from typing import Annotated

from fastapi import Cookie, Depends, HTTPException, Request, status
from sqlmodel import Session

from continuum_board import accounts
from continuum_board.accounts import SignedIn
from continuum_board.runtime import BoardRuntime

COOKIE = "continuum_board_session"


def _runtime(request: Request) -> BoardRuntime:
    return request.app.state.runtime


BoardDep = Annotated[BoardRuntime, Depends(_runtime)]
TokenCookie = Annotated[str | None, Cookie(alias=COOKIE)]


def signed_in(board: BoardDep, token: TokenCookie = None) -> SignedIn | None:
    # A session of its own, closed at once: on SQLite an open transaction would hold the database for the
    # whole of a long response such as the live stream.
    with Session(board.engine) as session:
        return accounts.signed_in(session, token, board.clock.now())


def require_operator(operator: Annotated[SignedIn | None, Depends(signed_in)]) -> SignedIn:
    if operator is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="sign in first", headers={"WWW-Authenticate": "Cookie"}
        )
    return operator


OperatorDep = Annotated[SignedIn, Depends(require_operator)]
UNAUTHORIZED = {401: {"description": "not signed in"}}
