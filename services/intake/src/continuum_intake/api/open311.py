"""Open311 GeoReport v2 discovery: which 311 service codes the county routes to Continuum, and what a 311
system asks the resident for each (``settings.open311_services``); the requests themselves come in at
``POST /v1/contacts/311``.

``GET /open311/v2/services.json`` is the service list (service_code, service_name, description, metadata,
type, keywords, group) and ``GET /open311/v2/services/{service_code}.json`` a service's definition (its
attributes, in ``order``), as the spec's JSON. JSON only: the spec's XML format is not served.

Public, as the spec has it ("Requires API Key: No"): this is the county's published catalogue, the same for
every caller, with no PHI and nothing about any contact, so a 311 system reads it before it is registered
as a partner. It reads no database and changes nothing.

``jurisdiction_id``: Continuum serves one jurisdiction, so the spec lets it be optional. If the county
configures one (``settings.open311_jurisdiction_id``), a request naming another gets the spec's 404
("jurisdiction_id provided was not found"); one naming none, or an empty one (the spec's optional argument),
is answered. Unconfigured, the parameter is ignored. An unknown service_code is 404 too. Errors are the
spec's: a JSON array of ``{code, description}``, the code the HTTP status. No input is refused as malformed
(every code and jurisdiction_id is a string), so the routes declare no 422.
"""

from typing import Annotated, Any, Literal

from continuum_kit import openapi_answers
from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from continuum_intake.api.deps import PartsDep
from continuum_intake.open311_services import Datatype, Open311Attribute, Open311Service
from continuum_intake.parts import IntakeParts


class GeoReportJSON(JSONResponse):
    media_type = "application/json; charset=utf-8"  # the spec's content type for JSON


router = APIRouter(prefix="/open311/v2", tags=["open311"], default_response_class=GeoReportJSON)


class ServiceOut(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = Field(description="true: the service has attributes; read its definition")
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str = Field(description="comma-separated")
    group: str | None

    @classmethod
    def of(cls, service: Open311Service) -> "ServiceOut":
        return cls(
            service_code=service.service_code,
            service_name=service.service_name,
            description=service.description,
            metadata=bool(service.attributes),
            type=service.type,
            keywords=", ".join(service.keywords),
            group=service.group,
        )


class ValueOut(BaseModel):
    key: str
    name: str


class AttributeOut(BaseModel):
    variable: bool = Field(description="true: the resident answers it; false: information only")
    code: str = Field(description="the POST /v1/contacts/311 body field the answer goes in")
    datatype: Datatype
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[ValueOut] = Field(description="the choices of a singlevaluelist or multivaluelist; else empty")

    @classmethod
    def of(cls, attribute: Open311Attribute) -> "AttributeOut":
        values = [ValueOut(key=value.key, name=value.name) for value in attribute.values]
        return cls(**attribute.model_dump(exclude={"values"}), values=values)


class ServiceDefinitionOut(BaseModel):
    service_code: str
    attributes: list[AttributeOut]


class GeoReportError(BaseModel):
    code: int = Field(description="the HTTP status")
    description: str


NOT_FOUND = {404: {"model": list[GeoReportError], "description": "jurisdiction_id or service_code not found"}}
OTHER_JURISDICTION = {404: {"model": list[GeoReportError], "description": "jurisdiction_id not found"}}

Jurisdiction = Annotated[
    str | None,
    Query(description="optional (one jurisdiction is served); if the county set one, another is 404"),
]


def _not_found(description: str) -> GeoReportJSON:
    return GeoReportJSON([{"code": 404, "description": description}], status_code=404)


def _other_jurisdiction(parts: IntakeParts, jurisdiction_id: str | None) -> GeoReportJSON | None:
    served = parts.open311_jurisdiction_id
    if served is None or not jurisdiction_id or jurisdiction_id == served:
        return None
    return _not_found(f"jurisdiction_id provided was not found: this endpoint serves {served!r} only")


@router.get(
    "/services.json",
    summary="The 311 services routed to Continuum (GeoReport v2 GET Service List)",
    response_model=list[ServiceOut],
    responses=OTHER_JURISDICTION,
)
async def service_list(parts: PartsDep, jurisdiction_id: Jurisdiction = None) -> GeoReportJSON | list[ServiceOut]:
    refused = _other_jurisdiction(parts, jurisdiction_id)
    return refused or [ServiceOut.of(service) for service in parts.open311_services.values()]


@router.get(
    # ``:path``: a code with a slash in it still reaches this route, and gets the spec's 404 body.
    "/services/{service_code:path}.json",
    summary="A 311 service's attributes (GeoReport v2 GET Service Definition)",
    response_model=ServiceDefinitionOut,
    responses=NOT_FOUND,
)
async def service_definition(
    service_code: str, parts: PartsDep, jurisdiction_id: Jurisdiction = None
) -> GeoReportJSON | ServiceDefinitionOut:
    refused = _other_jurisdiction(parts, jurisdiction_id)
    if refused is not None:
        return refused
    service = parts.open311_services.get(service_code)
    if service is None:
        return _not_found("service_code provided was not found: GET services.json lists the codes served")
    attributes = sorted(service.attributes, key=lambda attribute: attribute.order)
    return ServiceDefinitionOut(service_code=service.service_code, attributes=[AttributeOut.of(a) for a in attributes])


def _no_validation_error(schema: dict[str, Any]) -> None:
    for path, operations in schema.get("paths", {}).items():
        if path.startswith(router.prefix):
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)


def install(app: FastAPI) -> None:
    """Drops the 422 FastAPI declares on every route with parameters: these routes never give one."""
    openapi_answers.amend(app, _no_validation_error)
