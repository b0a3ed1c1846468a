"""Failed credential checks are limited per client and per partner id, so that guessing cannot burn the CPU.

A partner secret is checked with scrypt, slow on purpose; a client guessing secrets would make every
guess cost that. This middleware counts the requests that carried credentials and were answered 401,
per client address and per HTTP Basic user name (the ``limits`` library's moving window, in this
process's memory: each instance counts its own). Over either limit, a request with credentials is
answered 429 with Retry-After before any secret is checked. Requests without credentials cost nothing
and are not counted; a partner's correct secret is never counted.
"""

import base64
import binascii
import math
import time

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_MANY = {
    429: {
        "description": "too many failed credential checks from this client or for this partner id: "
        "try again after Retry-After seconds",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    }
}


def _basic_user(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(value, validate=True).decode().partition(":")[0][:64]
    except (binascii.Error, UnicodeDecodeError):
        return None


class FailedCredentialLimit:
    def __init__(self, app: ASGIApp, per_client: str, per_partner: str) -> None:
        self.app = app
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_client: RateLimitItem = parse(per_client)
        self._per_partner: RateLimitItem = parse(per_partner)

    def _keys(self, scope: Scope, authorization: str) -> list[tuple[RateLimitItem, str, str]]:
        client = scope.get("client")
        keys = [(self._per_client, "client", client[0] if client else "unknown")]
        user = _basic_user(authorization)
        return keys + ([(self._per_partner, "partner", user)] if user else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization = _header(scope, b"authorization") if scope["type"] == "http" else None
        if not authorization:
            await self.app(scope, receive, send)
            return
        keys = self._keys(scope, authorization)
        blocked = [(limit, key) for limit, *key in keys if not self._limiter.test(limit, *key)]
        if blocked:
            await self._refuse(blocked)(scope, receive, send)
            return
        answered: list[int] = []

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, sending)
        if answered == [401]:
            for limit, *key in keys:
                self._limiter.hit(limit, *key)

    def _refuse(self, blocked: list[tuple[RateLimitItem, list[str]]]) -> JSONResponse:
        reset = max(self._limiter.get_window_stats(limit, *key).reset_time for limit, key in blocked)
        wait = max(1, math.ceil(reset - time.time()))
        return JSONResponse(
            {"detail": f"too many failed credential checks; try again in {wait} s"},
            status_code=429,
            headers={"Retry-After": str(wait)},
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def install(app: FastAPI, per_client: str, per_partner: str) -> None:
    app.add_middleware(FailedCredentialLimit, per_client=per_client, per_partner=per_partner)
