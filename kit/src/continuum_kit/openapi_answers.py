"""Answers every route can give, declared in its OpenAPI once here rather than on each route.

Whatever the route: 503 with Retry-After while its database is unreachable (``http_errors``). A route
that takes credentials (its operation names a security scheme) can also answer 401 (missing or wrong
credentials, with the challenge) and 429 (too many failed credential checks, ``sign_in_limits``).
A route's guard (``guards``) adds 401, and 403 and 404 where it has a scope and a resource. A route's
own answers (409, 413, ...) stay on the route, where the reason is known; each error answer gets the
error body's schema where the route gave none.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from continuum_kit import guards
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


def _declare(app: FastAPI, schema: dict[str, Any]) -> None:
    guards.declare(app, schema, lambda declared: declared)
    everywhere = {str(code): _answer(a) for code, a in UNAVAILABLE.items()}
    signed_in = {str(code): _answer(a) for code, a in UNAUTHENTICATED.items()}
    checked = {str(code): _answer(a) for code, a in TOO_MANY.items()}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            extra = dict(everywhere)
            if operation.get("security") or guards.GUARD_KEY in operation:
                extra |= signed_in
            if operation.get("security"):
                extra |= checked
            for code, answer in extra.items():
                # A route's own description of the answer wins; what it left out (body, headers) is filled in.
                answers[code] = {**answer, **answers.get(code, {})}
                for part in ("content", "headers"):
                    if part in answer:
                        answers[code].setdefault(part, answer[part])
            for code, answer in answers.items():
                if code[0] in "45" and "content" not in answer:
                    answer["content"] = {"application/json": {"schema": ERROR_BODY}}


def install(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = generate()  # FastAPI caches it: declared once
        if fresh:
            _declare(app, schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
