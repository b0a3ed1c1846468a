"""Intake's 422s: the county's own checks in FastAPI's error shape, and errors that never echo what was sent.

FastAPI's validation errors quote the rejected input; on intake that input can be a name, a phone
number or a note, so every intake route drops it before answering.
"""

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

Loc = tuple[str | int, ...]


def invalid(loc: Loc, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def check_call_type(code: str | None, call_types: frozenset[str], loc: Loc) -> None:
    if code is not None and code not in call_types:
        raise invalid(loc, f"call type {code!r} is not one of the county's call types")


def check_demographics(keys: Iterable[str], allowed: frozenset[str], loc: Loc) -> None:
    for key in keys:
        if key not in allowed:
            raise invalid((*loc, key), f"demographic field {key!r} is not one the county collects")


def _without_input(errors: Iterable[dict]) -> list[dict]:
    return [{k: v for k, v in error.items() if k not in ("input", "url")} for error in errors]


class PhiSafeRoute(APIRoute):
    """A route whose 422 names the field and the rule, not the value."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                raise RequestValidationError(_without_input(exc.errors())) from None

        return guarded
