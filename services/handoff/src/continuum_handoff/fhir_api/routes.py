"""The /fhir routes: the CapabilityStatement, reading and searching Tasks, reading a ServiceRequest, and moving
a Task by PATCH or PUT (``moves``). An unknown resource type or interaction answers an OperationOutcome too."""

from typing import Annotated, Any

from continuum_kit.fhir import (
    FHIR_JSON,
    JSON_PATCH,
    FhirResponse,
    FhirRoute,
    answer_the_rest,
    fhir_answer,
    matched,
    refusals,
    resource_schema,
    searchset,
)
from continuum_kit.partners import CallerDep
from continuum_kit.service import RuntimeDep, UnitOfWorkDep
from fastapi import APIRouter, Body, Request, status

from continuum_handoff.api.deps import SettingsDep
from continuum_handoff.fhir_api.access import OwnedTask, ReadableRequest, ReadableTask
from continuum_handoff.fhir_api.capability import capability_statement
from continuum_handoff.fhir_api.mapping import service_request, task
from continuum_handoff.fhir_api.moves import desired, move, patched
from continuum_handoff.fhir_api.search import find, parse

router = APIRouter(prefix="/fhir", tags=["fhir"], route_class=FhirRoute)
PUBLISHED = "2026-05-01"
SERVED = {"Task": "read, search-type, patch, update", "ServiceRequest": "read"}
READ = refusals(
    _401="missing or wrong credentials (OperationOutcome login; the challenge names Basic and Bearer)",
    _403="neither county IT nor a party to it (OperationOutcome forbidden)",
    _404="no Task or ServiceRequest of that id (OperationOutcome not-found)",
)
SEARCHED = refusals(
    _400="an unknown search parameter, a status that is not a Task status or a bad date; diagnostics name it",
    _401="missing or wrong credentials (OperationOutcome login)",
    _403="a partner naming another party as owner (OperationOutcome forbidden): it learns nothing of others",
)
MOVED = refusals(
    _400="the body is not JSON, or a PUT's id differs from the URL's",
    _401="missing or wrong partner credentials (OperationOutcome login)",
    _403="not the Task's owner (OperationOutcome forbidden)",
    _404="no Task of that id",
    _409="the current status does not allow the move, or a JSON Patch test failed (OperationOutcome conflict)",
    _422="a change other than status/statusReason, a status that is not a FHIR Task status (code-invalid, naming "
    "it), a status no move reaches, or a rejection without its reason",
)
PATCH_BODY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["op", "path"],
        "properties": {"op": {"type": "string"}, "path": {"type": "string"}, "value": {}},
    },
}


def _fhir(resource: dict[str, Any], status_code: int = status.HTTP_200_OK) -> FhirResponse:
    return FhirResponse(resource, status_code=status_code)


@router.get(
    "/metadata",
    summary="The CapabilityStatement of this FHIR R4 facade (no credentials needed)",
    response_class=FhirResponse,
    responses={200: fhir_answer("the CapabilityStatement", resource_schema("CapabilityStatement"))},
)
def get_metadata() -> FhirResponse:
    return _fhir(capability_statement(PUBLISHED))


@router.get(
    "/Task/{task_id}",
    summary="A warm handoff or referral as a FHIR Task",
    response_class=FhirResponse,
    responses={200: fhir_answer("the Task", resource_schema("Task")), **READ},
)
def get_task(row: ReadableTask) -> FhirResponse:
    return _fhir(task(row))


@router.get(
    "/Task",
    summary="Search Tasks by owner, status, _lastUpdated (gt/ge/lt/le), _id; a partner finds only its own",
    response_class=FhirResponse,
    responses={200: fhir_answer("a Bundle of type searchset", resource_schema("Bundle")), **SEARCHED},
)
def search_tasks(request: Request, caller: CallerDep, runtime: RuntimeDep) -> FhirResponse:
    query = parse(list(request.query_params.multi_items()), caller.partner_id)
    rows, total = find(runtime.reader, query, caller.partner_id)
    base = str(request.base_url).rstrip("/") + "/fhir"
    return _fhir(searchset(str(request.url), total, [matched(base, task(row)) for row in rows]))


@router.get(
    "/ServiceRequest/{request_id}",
    summary="What a Task asks for (the same id as its Task); nothing about the person",
    response_class=FhirResponse,
    responses={200: fhir_answer("the ServiceRequest", resource_schema("ServiceRequest")), **READ},
)
def get_service_request(row: ReadableRequest) -> FhirResponse:
    return _fhir(service_request(row))


@router.patch(
    "/Task/{task_id}",
    summary="Move a Task by JSON Patch of /status (and /statusReason on a rejection), as the /v1 move routes do",
    response_class=FhirResponse,
    responses={200: fhir_answer("the Task as it now is", resource_schema("Task")), **MOVED},
)
def patch_task(
    row: OwnedTask,
    operations: Annotated[list[dict[str, Any]], Body(media_type=JSON_PATCH, json_schema_extra=PATCH_BODY)],
    uow: UnitOfWorkDep,
    settings: SettingsDep,
) -> FhirResponse:
    current = task(row)
    wanted = desired(current, patched(current, operations), current["id"])
    return _fhir(move(uow, row, wanted, settings))


@router.put(
    "/Task/{task_id}",
    summary="Move a Task by sending it whole, where only status and statusReason differ from the current one",
    response_class=FhirResponse,
    responses={200: fhir_answer("the Task as it now is", resource_schema("Task")), **MOVED},
)
def put_task(
    row: OwnedTask,
    body: Annotated[dict[str, Any], Body(media_type=FHIR_JSON, json_schema_extra=resource_schema("Task"))],
    uow: UnitOfWorkDep,
    settings: SettingsDep,
) -> FhirResponse:
    current = task(row)
    return _fhir(move(uow, row, desired(current, body, current["id"]), settings))


# Anything else under /fhir: an interaction a served path lacks (405, with Allow), or a type not served (404).
answer_the_rest(router, SERVED)
