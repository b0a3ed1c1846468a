"""Open311 GeoReport v2 discovery: which 311 service codes the county routes to Continuum, and what a 311
system asks the resident for each (``settings.open311_services``); the requests themselves come in at
``POST /v1/contacts/311``.

``GET /open311/v2/services.json`` is the service list (service_code, service_name, description, metadata,
type, keywords, group) and ``GET /open311/v2/services/{service_code}.json`` a service's definition (its
attributes, in ``order``), as the spec's JSON; ``services.xml`` and ``services/{service_code}.xml`` are the same
answers in the spec's XML (``open311_xml``), errors included.

Public, as the spec has it ("Requires API Key: No"): this is the county's published catalogue, the same for
every caller, with no PHI and nothing about any contact, so a 311 system reads it before it is registered
as a partner. It reads no database and changes nothing.

``jurisdiction_id``: Continuum serves one jurisdiction, so the spec lets it be optional. If the county
configures one (``settings.open311_jurisdiction_id``), a request naming another gets the spec's 404
("jurisdiction_id provided was not found"); one naming none, or an empty one (the spec's optional argument),
is answered. Unconfigured, the parameter is ignored. An unknown service_code is 404 too. Errors are the
spec's: a JSON array of ``{code, description}`` (in XML, ``<errors><error>``), the code the HTTP status. No
input is refused as malformed (every code and jurisdiction_id is a string), so the routes declare no 422.
"""

from typing import Annotated, Any, Literal

from continuum_kit import openapi_answers
from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from continuum_intake.api import open311_xml
from continuum_intake.api.deps import PartsDep
from continuum_intake.api.open311_xml import XML, GeoReportXML
from continuum_intake.open311_services import Datatype, Open311Attribute, Open311Service
from continuum_intake.parts import IntakeParts


class GeoReportJSON(JSONResponse):
    media_type = "application/json; charset=utf-8"  # the spec's content type for JSON


router = APIRouter(prefix="/open311/v2", tags=["open311"], default_response_class=GeoReportJSON)


def _element(name: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"xml": {"name": name}})  # the element the XML answer gives it


WRAPPED: Any = {"xml": {"wrapped": True}}  # in XML, a list is an element holding one element per item


class ServiceOut(BaseModel):
    model_config = _element("service")
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
    model_config = _element("value")
    key: str
    name: str


class AttributeOut(BaseModel):
    model_config = _element("attribute")
    variable: bool = Field(description="true: the resident answers it; false: information only")
    code: str = Field(description="the POST /v1/contacts/311 body field the answer goes in")
    datatype: Datatype
    required: bool
    datatype_description: str | None
    order: int
    description: str
    values: list[ValueOut] = Field(
        description="the choices of a singlevaluelist or multivaluelist; else empty", json_schema_extra=WRAPPED
    )

    @classmethod
    def of(cls, attribute: Open311Attribute) -> "AttributeOut":
        values = [ValueOut(key=value.key, name=value.name) for value in attribute.values]
        return cls(**attribute.model_dump(exclude={"values"}), values=values)


class ServiceDefinitionOut(BaseModel):
    model_config = _element("service_definition")
    service_code: str
    attributes: list[AttributeOut] = Field(json_schema_extra=WRAPPED)


class GeoReportError(BaseModel):
    model_config = _element("error")
    code: int = Field(description="the HTTP status")
    description: str


NOT_FOUND = {404: {"model": list[GeoReportError], "description": "jurisdiction_id or service_code not found"}}
OTHER_JURISDICTION = {404: {"model": list[GeoReportError], "description": "jurisdiction_id not found"}}
XML_ERRORS = {"content": {XML: {"schema": open311_xml.list_of("errors", "GeoReportError")}}}
XML_LIST = {
    200: {"description": "the services", "content": {XML: {"schema": open311_xml.list_of("services", "ServiceOut")}}},
    404: {"description": "jurisdiction_id not found", **XML_ERRORS},
}
XML_DEFINITION = {
    200: {
        "description": "the service's definition",
        "content": {
            XML: {"schema": {"type": "object", "allOf": [{"$ref": "#/components/schemas/ServiceDefinitionOut"}]}}
        },
    },
    404: {"description": "jurisdiction_id or service_code not found", **XML_ERRORS},
}

Jurisdiction = Annotated[
    str | None,
    Query(description="optional (one jurisdiction is served); if the county set one, another is 404"),
]


UNKNOWN_CODE = "service_code provided was not found: GET services.json lists the codes served"


def _not_found(description: str) -> GeoReportJSON:
    return GeoReportJSON([{"code": 404, "description": description}], status_code=404)


def _other_jurisdiction(parts: IntakeParts, jurisdiction_id: str | None) -> str | None:
    """Why the request is 404, if it names a jurisdiction_id other than the county's."""
    served = parts.open311_jurisdiction_id
    if served is None or not jurisdiction_id or jurisdiction_id == served:
        return None
    return f"jurisdiction_id provided was not found: this endpoint serves {served!r} only"


def _services(parts: IntakeParts) -> list[ServiceOut]:
    return [ServiceOut.of(service) for service in parts.open311_services.values()]


def _definition(parts: IntakeParts, service_code: str) -> ServiceDefinitionOut | None:
    service = parts.open311_services.get(service_code)
    if service is None:
        return None
    attributes = sorted(service.attributes, key=lambda attribute: attribute.order)
    return ServiceDefinitionOut(service_code=service.service_code, attributes=[AttributeOut.of(a) for a in attributes])


@router.get(
    "/services.json",
    summary="The 311 services routed to Continuum (GeoReport v2 GET Service List)",
    response_model=list[ServiceOut],
    responses=OTHER_JURISDICTION,
)
async def service_list(parts: PartsDep, jurisdiction_id: Jurisdiction = None) -> GeoReportJSON | list[ServiceOut]:
    refused = _other_jurisdiction(parts, jurisdiction_id)
    return _not_found(refused) if refused else _services(parts)


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
    if refused := _other_jurisdiction(parts, jurisdiction_id):
        return _not_found(refused)
    definition = _definition(parts, service_code)
    return definition if definition is not None else _not_found(UNKNOWN_CODE)


@router.get(
    "/services.xml",
    summary="The 311 services routed to Continuum, in the spec's XML",
    response_class=GeoReportXML,
    response_model=None,
    responses=XML_LIST,
)
async def service_list_xml(parts: PartsDep, jurisdiction_id: Jurisdiction = None) -> GeoReportXML:
    if refused := _other_jurisdiction(parts, jurisdiction_id):
        return open311_xml.errors(404, refused)
    return GeoReportXML(open311_xml.document("services", [s.model_dump(mode="json") for s in _services(parts)]))


@router.get(
    "/services/{service_code:path}.xml",
    summary="A 311 service's attributes, in the spec's XML",
    response_class=GeoReportXML,
    response_model=None,
    responses=XML_DEFINITION,
)
async def service_definition_xml(
    service_code: str, parts: PartsDep, jurisdiction_id: Jurisdiction = None
) -> GeoReportXML:
    if refused := _other_jurisdiction(parts, jurisdiction_id):
        return open311_xml.errors(404, refused)
    if (definition := _definition(parts, service_code)) is None:
        return open311_xml.errors(404, UNKNOWN_CODE)
    return GeoReportXML(open311_xml.document("service_definition", definition.model_dump(mode="json")))


def _no_validation_error(schema: dict[str, Any]) -> None:
    for path, operations in schema.get("paths", {}).items():
        if path.startswith(router.prefix):
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)


def install(app: FastAPI) -> None:
    """Drops the 422 FastAPI declares on every route with parameters: these routes never give one."""
    openapi_answers.amend(app, _no_validation_error)
