"""Every door of a service tried from outside: its OpenAPI's routes, each with no credential, a
credential outside its guard's scope and the right one (a test helper; see ``guards``).

A service's test gives a :class:`Door` for each of its routes: path parameters naming something that
exists, the caller the guard lets in (with a body it accepts) and, when the guard has a scope, a
signed-in caller outside it. A route the OpenAPI lists without a declared guard, or without a door in
the test, fails; so does any answer but 401 without credentials, 403 from the outsider, or the
expected one for the right caller. The right caller goes last: it is the only one that may change
anything.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from continuum_kit.guards import GUARD_KEY

OPEN_ROUTES = frozenset({("GET", "/health")})
Headers = dict[str, str]


def basic(partner_id: str, secret: str) -> Headers:
    token = base64.b64encode(f"{partner_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Door:
    right: Headers
    outsider: Headers | None = None
    path: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    params: Mapping[str, str] = field(default_factory=dict)
    accepted: int | None = None  # None: any 2xx


def _call(client: TestClient, method: str, url: str, door: Door, headers: Headers | None) -> Any:
    kwargs: dict[str, Any] = {"headers": headers or {}, "params": dict(door.params)}
    if door.body is not None:
        kwargs["json"] = door.body
    # Cookies the client kept from an earlier sign-in must not stand in for the credential under test.
    client.cookies.clear()
    return client.request(method, url, **kwargs)


def check_every_door(
    client: TestClient, doors: Mapping[tuple[str, str], Door], *, open_routes: frozenset = OPEN_ROUTES
) -> list[str]:
    """Tries every route; returns the problems found (an empty list when every door holds)."""
    problems: list[str] = []
    schema = client.app.openapi()  # type: ignore[attr-defined]
    listed = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            key = (method.upper(), path)
            listed.add(key)
            if key in open_routes:
                continue
            guard = operation.get(GUARD_KEY)
            door = doors.get(key)
            if guard is None:
                problems.append(f"{method.upper()} {path}: no declared guard")
                continue
            if door is None:
                problems.append(f"{method.upper()} {path}: no door in the test")
                continue
            problems += _try(client, key, guard, door)
    problems += [f"{m} {p}: a door for a route the OpenAPI does not list" for m, p in set(doors) - listed]
    return problems


def _try(client: TestClient, key: tuple[str, str], guard: dict, door: Door) -> list[str]:
    method, path = key
    url = path.format(**door.path)
    problems = []
    answer = _call(client, method, url, door, None)
    if answer.status_code != 401:
        problems.append(f"{method} {path}: no credential answered {answer.status_code}, not 401")
    if guard.get("scope"):
        if door.outsider is None:
            problems.append(f"{method} {path}: the guard has a scope ({guard['scope']}) but the test no outsider")
        else:
            answer = _call(client, method, url, door, door.outsider)
            if answer.status_code != 403:
                problems.append(f"{method} {path}: the outsider got {answer.status_code}, not 403")
    answer = _call(client, method, url, door, door.right)
    ok = answer.status_code == door.accepted if door.accepted else 200 <= answer.status_code < 300
    if not ok:
        problems.append(f"{method} {path}: the right caller got {answer.status_code}: {answer.text[:200]}")
    return problems
