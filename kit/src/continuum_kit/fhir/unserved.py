"""What a FHIR facade does not serve, answered as an OperationOutcome rather than the framework's plain JSON.

``answer_the_rest`` adds, after a router's own routes, catch-alls for anything else under its prefix: a method
a served path lacks is 405 with Allow (as HTTP has it), a resource type not served is 404 ``not-supported``
naming it (cut short, see ``named``) and the types served. They are not in the OpenAPI: no client calls them.
"""

from collections.abc import Mapping

from fastapi import APIRouter, Request, status
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path

from continuum_kit.fhir.outcome import FhirError, FhirResponse, named, refuse

ANYTHING = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# The OpenAPI tag of a facade's operations: where the answers of the catch-alls, which are no operations, are said.
FHIR_TAG = {
    "name": "fhir",
    "description": "A FHIR R4 facade; every answer is application/fhir+json and every refusal an OperationOutcome. "
    "Outside the operations listed: a resource type not served (GET /fhir/Patient, /fhir/Foo/123) is 404 "
    "OperationOutcome not-supported naming the type (at most 64 characters of it) and the types served; a method "
    "a /fhir path does not serve (POST /fhir/metadata) is 405 OperationOutcome not-supported, with Allow.",
}


def _allowed(request: Request) -> tuple[list[str], list[str]]:
    """The methods the served routes take on this path, and those routes' paths (none: nothing served here)."""
    allowed: set[str] = set()
    paths: list[str] = []
    for route in iter_route_contexts(request.app.routes):
        if route.include_in_schema and route.path and route.methods:
            if compile_path(route.path)[0].match(request.url.path):
                allowed |= set(route.methods)
                paths += [] if route.path in paths else [route.path]
    return sorted(allowed), paths


def answer_the_rest(router: APIRouter, served: Mapping[str, str]) -> None:
    """Catch-alls for what ``router`` (a FhirRoute router) does not serve; ``served``: interactions by type.

    Call it once the router's own routes are added: the first route that matches a request answers it."""
    types = "; ".join(f"{name} ({interactions})" for name, interactions in served.items())

    def not_served(resource_type: str, request: Request) -> FhirResponse:
        allowed, paths = _allowed(request)
        if allowed:
            diagnostics = f"{request.method} is not supported on {' or '.join(paths)}: only {', '.join(allowed)}"
            raise FhirError(
                status.HTTP_405_METHOD_NOT_ALLOWED, "not-supported", diagnostics, headers={"Allow": ", ".join(allowed)}
            )
        if resource_type in served:
            diagnostics = f"{request.method} on this {resource_type} path is not supported; served: {types}"
            refuse(status.HTTP_404_NOT_FOUND, "not-supported", diagnostics)
        diagnostics = f"resource type {named(resource_type)} is not served; {types}"
        refuse(status.HTTP_404_NOT_FOUND, "not-supported", diagnostics)

    for path in ("/{resource_type}", "/{resource_type}/{rest:path}"):
        router.add_api_route(path, not_served, methods=ANYTHING, include_in_schema=False, response_class=FhirResponse)
