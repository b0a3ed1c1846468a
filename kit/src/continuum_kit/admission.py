"""How many requests a service works on at once: the rest wait a moment for a slot, then are refused.

Under saturation a partner's request must not hang until the partner gives up, nor be half-done. So at most
``limit`` requests are in progress; one more waits up to ``queue_seconds`` for a slot and, if none frees,
is answered 503 with ``Retry-After`` before anything of it is read or done (a refused request changed
nothing; an admitted one runs to completion). A request gives its slot back when its answer begins, so a
stream that stays open (the board's live page) holds none while it streams. ``/health`` is never refused: a
health check must see a busy service as alive. Each refusal is counted (``continuum.http.refused``) and
logged as one line, without the path (which can name a person's record).

The slots belong to the server's one event loop (uvicorn runs one per process).
"""

import asyncio
import logging

from fastapi import FastAPI, status
from fastapi.responses import JSONResponse
from opentelemetry import metrics
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
NEVER_REFUSED = frozenset({"/health"})
RETRY_AFTER_SECONDS = 1
_refused = metrics.get_meter("continuum_kit").create_counter(
    "continuum.http.refused", unit="{request}", description="requests refused because every slot stayed taken"
)


class Admission:
    """ASGI middleware outside every other of the service's own: the request's slot is taken first."""

    def __init__(self, app: ASGIApp, *, limit: int, queue_seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.queue_seconds = queue_seconds
        self.slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_REFUSED:
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.queue_seconds):
                await self.slots.acquire()
        except TimeoutError:
            await self._refuse(scope, receive, send)
            return
        held = True

        async def send_releasing(message: Message) -> None:
            # The answer has begun: its work is done. A stream (the board's live page) goes on without a slot,
            # or sixteen open boards would hold every slot for as long as they stay open.
            nonlocal held
            if held and message["type"] == "http.response.start":
                held = False
                self.slots.release()
            await send(message)

        try:
            await self.app(scope, receive, send_releasing)
        finally:
            if held:
                self.slots.release()

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method", "")
        _refused.add(1, {"http.request.method": method})
        log.warning("%s refused: %d requests in progress, none done within %ss", method, self.limit, self.queue_seconds)
        answer = JSONResponse(
            {"detail": "the service is at capacity; try again shortly"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        await answer(scope, receive, send)


def install(app: FastAPI, limit: int, queue_seconds: float) -> None:
    app.add_middleware(Admission, limit=limit, queue_seconds=queue_seconds)
