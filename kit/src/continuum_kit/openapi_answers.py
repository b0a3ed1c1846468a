"""Answers every route can give, declared in its OpenAPI once here rather than on each route.

Whatever the route but ``/health``: 503 with Retry-After while every request slot stays taken
(``admission``) or its database is unreachable or busy (``http_errors``); ``/health`` declares its own. A route
that takes a body answers 400 to one that is not JSON at all (FastAPI, before any field is read); a
route with a path parameter answers 404 to a value naming nothing (or, once decoded, no route). A route
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
from continuum_kit.admission import NEVER_REFUSED
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


MALFORMED = {400: {"description": "the body is not JSON (or not in the declared encoding)"}}
NOTHING_THERE = {404: {"description": "nothing by that name or id here"}}


def _answer(declared: dict[str, Any]) -> dict[str, Any]:
    return {**declared, "content": {"application/json": {"schema": ERROR_BODY}}}


def _declare(app: FastAPI, schema: dict[str, Any]) -> None:
    guards.declare(app, schema, lambda declared: declared)
    everywhere = {str(code): _answer(a) for code, a in UNAVAILABLE.items()}
    signed_in = {str(code): _answer(a) for code, a in UNAUTHENTICATED.items()}
    checked = {str(code): _answer(a) for code, a in TOO_MANY.items()}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            answers = operation.setdefault("responses", {})
            extra = {} if path in NEVER_REFUSED else dict(everywhere)
            if "requestBody" in operation:
                extra |= {str(code): _answer(a) for code, a in MALFORMED.items()}
            if "{" in path:
                extra |= {str(code): _answer(a) for code, a in NOTHING_THERE.items()}
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


def amend(app: FastAPI, step: Callable[[dict[str, Any]], None]) -> None:
    """Runs ``step`` on the app's OpenAPI once, when it is first generated (what the routes cannot say
    themselves: values that come from the county's settings)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = generate()
        if fresh:
            step(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def query_values(name: str, values: list[str]) -> Callable[[dict[str, Any]], None]:
    """A step for :func:`amend`: every query parameter ``name`` takes one of ``values`` (each item, for a list)."""

    def declare(schema: dict[str, Any]) -> None:
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query" and parameter.get("name") == name:
                        field = parameter.setdefault("schema", {})
                        (field["items"] if field.get("type") == "array" else field)["enum"] = list(values)

    return declare
