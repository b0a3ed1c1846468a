"""Who may call each route, declared where the check is made: read by the OpenAPI and by the door test.

Every route but ``/health`` has a guard: a FastAPI dependency marked with :func:`guard`, which says
which kinds of caller it admits (a partner system, county IT, a board operator) and, when only some
of them may, who (``scope``, in words). The route's OpenAPI carries it as ``x-continuum-guard`` and
declares what the guard can answer: 401 always, 403 when it has a scope, 404 when the scope is
checked against a resource named in the path (an unknown one is 404, told only to a signed-in caller).
``doors.check_every_door`` walks the OpenAPI and proves each guard from outside.

The guard nearest the route wins: a scoped check that itself depends on the partner sign-in
(``assigned_team`` on ``authenticate_partner``) is the route's guard.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

PARTNER, ADMIN, OPERATOR = "partner", "admin", "operator"
GUARD_KEY = "x-continuum-guard"
_MARK = "__continuum_guard__"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Guard:
    callers: tuple[str, ...]
    scope: str | None = None  # who among those callers, in words; None: any of them, once signed in
    resource: str | None = None  # the path parameter the scope is checked against

    def declared(self) -> dict[str, Any]:
        return {"callers": list(self.callers), "scope": self.scope, "resource": self.resource}


def guard(*callers: str, scope: str | None = None, resource: str | None = None) -> Callable[[F], F]:
    """Marks a dependency as the check of who may call the routes that use it."""
    marked = Guard(tuple(callers), scope, resource)

    def mark(dependency: F) -> F:
        setattr(dependency, _MARK, marked)
        return dependency

    return mark


def guard_of(dependant: Dependant) -> Guard | None:
    """The guard nearest a route (its ``dependant``) in its dependency tree, breadth first, or None."""
    level: list[Dependant] = list(dependant.dependencies)
    while level:
        for sub in level:
            found = getattr(sub.call, _MARK, None) if sub.call is not None else None
            if found is not None:
                return found
        level = [deeper for sub in level for deeper in sub.dependencies]
    return None


def _operations(app: FastAPI) -> Iterator[tuple[str, str, Dependant]]:
    # Routes as the OpenAPI sees them: an included router's own dependencies are part of each route's.
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            for method in context.methods or ():
                yield context.path_format, method.lower(), context.dependant


REFUSED = {"description": "signed in, but not allowed this: the reason is in detail"}
NOT_FOUND = {"description": "no such resource (told only to a signed-in caller)"}


def declare(app: FastAPI, schema: dict[str, Any], answer: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Writes each route's guard, and the 403/404 it can answer, into the OpenAPI ``schema``."""
    for path, method, dependant in _operations(app):
        operation = schema.get("paths", {}).get(path, {}).get(method)
        found = guard_of(dependant)
        if operation is None or found is None:
            continue
        operation[GUARD_KEY] = found.declared()
        answers = operation.setdefault("responses", {})
        extra = ({"403": REFUSED} if found.scope else {}) | ({"404": NOT_FOUND} if found.resource else {})
        for code, declared in extra.items():
            answers[code] = answer({**declared, **answers.get(code, {})})
