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


def basic_pair(authorization: str) -> tuple[str, str] | None:
    """The user name and password of an ``Authorization: Basic`` header, or None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, separator, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if separator else None


def _basic_user(authorization: str) -> str | None:
    pair = basic_pair(authorization)
    return pair[0][:64] if pair else None


class FailedChecks:
    """The count of failed credential checks, per client address and per user name, in a moving window."""

    def __init__(self, per_client: str, per_partner: str) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_client: RateLimitItem = parse(per_client)
        self._per_partner: RateLimitItem = parse(per_partner)

    def _keys(self, client: str, user: str | None) -> list[tuple[RateLimitItem, str, str]]:
        keys = [(self._per_client, "client", client)]
        return keys + ([(self._per_partner, "partner", user)] if user else [])

    def wait_seconds(self, client: str, user: str | None) -> int | None:
        """How long this client or user name must wait before its credentials are checked again; None: go on."""
        blocked = [(limit, key) for limit, *key in self._keys(client, user) if not self._limiter.test(limit, *key)]
        if not blocked:
            return None
        reset = max(self._limiter.get_window_stats(limit, *key).reset_time for limit, key in blocked)
        return max(1, math.ceil(reset - time.time()))

    def failed(self, client: str, user: str | None) -> None:
        for limit, *key in self._keys(client, user):
            self._limiter.hit(limit, *key)


def too_many(wait: int) -> JSONResponse:
    return JSONResponse(
        {"detail": f"too many failed credential checks; try again in {wait} s"},
        status_code=429,
        headers={"Retry-After": str(wait)},
    )


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class FailedCredentialLimit:
    def __init__(self, app: ASGIApp, per_client: str, per_partner: str) -> None:
        self.app = app
        self._checks = FailedChecks(per_client, per_partner)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization = _header(scope, b"authorization") if scope["type"] == "http" else None
        if not authorization:
            await self.app(scope, receive, send)
            return
        client, user = client_of(scope), _basic_user(authorization)
        wait = self._checks.wait_seconds(client, user)
        if wait is not None:
            await too_many(wait)(scope, receive, send)
            return
        answered: list[int] = []

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, sending)
        if answered == [401]:
            self._checks.failed(client, user)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def install(app: FastAPI, per_client: str, per_partner: str) -> None:
    app.add_middleware(FailedCredentialLimit, per_client=per_client, per_partner=per_partner)
