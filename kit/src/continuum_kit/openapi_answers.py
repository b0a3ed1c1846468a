"""Answers every route can give, declared in its OpenAPI once here rather than on each route.

Whatever the route: 503 with Retry-After while its database is unreachable (``http_errors``). A route
that takes credentials (its operation names a security scheme) can also answer 401 (missing or wrong
credentials, with the challenge) and 429 (too many failed credential checks, ``sign_in_limits``).
A route's own answers (403, 404, 409, ...) stay on the route, where the reason is known.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from continuum_kit.http_errors import UNAVAILABLE
from continuum_kit.sign_in_limits import TOO_MANY

ERROR_BODY = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"description": "what went wrong: a sentence, or the field and the problem"}},
}
UNAUTHENTICATED = {
    401: {
        "description": "missing or wrong credentials",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "the schemes accepted"}},
    }
}


def _answer(declared: dict[str, Any]) -> dict[str, Any]:
    return {**declared, "content": {"application/json": {"schema": ERROR_BODY}}}


def _declare(schema: dict[str, Any]) -> None:
    everywhere = {str(code): _answer(a) for code, a in UNAVAILABLE.items()}
    guarded = {str(code): _answer(a) for code, a in {**UNAUTHENTICATED, **TOO_MANY}.items()}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            extra = {**everywhere, **guarded} if operation.get("security") else everywhere
            for code, answer in extra.items():
                # A route's own description of the answer wins; what it left out (body, headers) is filled in.
                answers[code] = {**answer, **answers.get(code, {})}
                for part in ("content", "headers"):
                    if part in answer:
                        answers[code].setdefault(part, answer[part])


def install(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        _declare(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
