"""What a failed request leaves in the log: one short line, never an exception's text.

An exception's text can carry what the request held: a database error renders its statement and
``[parameters: ...]``, a parser quotes its input. So an unhandled failure on the HTTP path is logged as
the route and the exception's type only (with the code frames, not the values, for a programming
error), and the partner gets a plain answer: 503 with ``Retry-After`` while the database is unreachable
or cannot answer in time (no pooled connection free, a lock not granted within ``lock_timeout``: the
transaction rolled back, nothing was done), 500 otherwise. The consumer path logs the same way
(``consumer.py``); spans are scrubbed (``telemetry.py``).

A method a path does not take is 405 with ``Allow`` naming every method the path takes (Starlette names
only those of the first route on the path, and a path's GET and POST are two routes).
"""

import logging
import traceback

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
# OperationalError covers an unreachable server and a statement cancelled by lock_timeout or statement_timeout.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = {
    503: {
        "description": "the service is at capacity, or its database unreachable or busy, for a moment: nothing "
        "of the request was done; try again after Retry-After seconds",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
    }
}


class ShortFailures:
    """ASGI middleware inside Starlette's error middleware, so that nothing further logs the exception."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as failure:  # noqa: BLE001 - every failure gets its one line and a plain answer
            answer = _log(scope, failure)
            if not started:
                await answer(scope, receive, send)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return f"{scope.get('method', '')} {getattr(route, 'path', None) or scope.get('path', '')}"


def _log(scope: Scope, failure: Exception) -> JSONResponse:
    name = type(failure).__name__
    if isinstance(failure, DATABASE_DOWN):
        log.error("%s: database unavailable (%s)", _route(scope), name)
        return JSONResponse(
            {"detail": "the database is unavailable; try again shortly"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    frames = "".join(traceback.format_tb(failure.__traceback__))
    log.error("%s failed: %s (message withheld)\n%s", _route(scope), name, frames)
    return JSONResponse({"detail": "internal error"}, status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)


async def _every_allowed_method(request: Request, failure: Exception) -> Response:
    assert isinstance(failure, HTTPException)
    if failure.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        allowed: set[str] = set()
        for route in iter_route_contexts(request.app.routes):
            if route.path and route.methods and compile_path(route.path)[0].match(request.url.path):
                allowed |= set(route.methods)
        if allowed:
            failure.headers = {**(failure.headers or {}), "Allow": ", ".join(sorted(allowed))}
    return await http_exception_handler(request, failure)


def install(app: FastAPI) -> None:
    app.add_middleware(ShortFailures)
    app.add_exception_handler(HTTPException, _every_allowed_method)
