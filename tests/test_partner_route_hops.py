"""The partner routes a county's teams, facilities and peers call on every episode run their sign-in, their guard and
their work in as few worker-thread hops as they can: each plain ``def`` dependency is a hop of its own (0.25–0.3 ms
of CPU), so a guard that reads its record calls the sign-in itself rather than depending on it, and a dependency
with no I/O is a coroutine. A route whose guard is the sign-in alone takes none: the sign-in is a coroutine that
goes to a worker thread only when it must read the account or run scrypt (``kit/.../partners.py``)."""

import importlib
import inspect

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from tests.deployment import settings_class

ROUTES = {  # intake's contact routes are guarded by the sign-in alone: no dependency in a thread
    "intake": [("POST", "/v1/contacts/911"), ("POST", "/v1/contacts/crisis-line")],
    "dispatch": [("POST", "/v1/responses/{response_id}/updates")],
    "handoff": [("POST", "/v1/handoffs/{handoff_id}/accept"), ("POST", "/v1/referrals/{referral_id}/result")],
    "followup": [("POST", "/v1/followups/{followup_id}/attempts")],
}


def _threaded(dependant: Dependant) -> list[str]:
    """The plain ``def`` dependencies FastAPI runs in the thread pool, once each (cached), below the route."""
    found: dict[str, None] = {}
    level = list(dependant.dependencies)
    while level:
        for sub in level:
            call = sub.call
            if call is None:
                continue
            function = call if inspect.isfunction(call) or inspect.ismethod(call) else type(call).__call__
            if not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)):
                found[getattr(call, "__qualname__", repr(call))] = None
        level = [deeper for sub in level for deeper in sub.dependencies]
    return list(found)


@pytest.mark.parametrize("service", sorted(ROUTES))
def test_each_partner_route_signs_in_and_checks_its_guard_in_one_hop_at_most(service, tmp_path):
    settings = settings_class(service)(data_dir=tmp_path, admin_token="hops-admin-token-0123456789")
    app = importlib.import_module(f"continuum_{service}.app").create_app(settings)
    routes = {
        (method, context.path_format): context.dependant  # as the OpenAPI sees them: a router's own dependencies too
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.methods or ()
    }
    for method, path in ROUTES[service]:
        threaded = _threaded(routes[(method, path)])
        hops = 0 if service == "intake" else 1
        assert len(threaded) == hops, f"{method} {path}: {threaded} each take a worker-thread hop"
