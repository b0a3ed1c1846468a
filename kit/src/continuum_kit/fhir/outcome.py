"""FHIR answers: application/fhir+json bodies, and every refusal on /fhir as an OperationOutcome.

The routes under /fhir use :class:`FhirRoute`: whatever the guards or FastAPI raise there (401, 403, 404,
409, a body that is not JSON, a field that fails validation) is answered as an OperationOutcome naming the
problem, never the value sent, with the same status code the rest of the API gives. The admission limit
(503) and the failed sign-in limit (429) answer before any route, in the kit's plain JSON, as everywhere else.
"""

from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

from fastapi import Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fhir.resources.R4B.operationoutcome import OperationOutcome
from starlette.exceptions import HTTPException as AnyHTTPException  # FastAPI's own (body parsing) and the guards'

FHIR_JSON = "application/fhir+json"
JSON_PATCH = "application/json-patch+json"
NAMED_AT_MOST = 64  # characters of what a caller sent that a diagnostic may quote
# OperationOutcome issue types (http://hl7.org/fhir/issue-type) by status code, where the route gave none.
ISSUE_FOR_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    422: "invalid",
    503: "transient",
}


def named(value: object, limit: int = NAMED_AT_MOST) -> str:
    """What a caller sent, quoted for a diagnostic: its repr, cut to ``limit`` characters (ending in …).

    Only for values that are never a person's data (a resource type, a parameter's name, a status code)."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


class FhirError(Exception):
    """A refusal answered as an OperationOutcome: its status code, issue type and what is wrong."""

    def __init__(
        self,
        status_code: int,
        code: str,
        diagnostics: str,
        expression: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status_code, self.code, self.diagnostics, self.expression = status_code, code, diagnostics, expression
        self.headers = headers


def refuse(status_code: int, code: str, diagnostics: str, expression: str | None = None) -> NoReturn:
    raise FhirError(status_code, code, diagnostics, expression)


def outcome(code: str, diagnostics: str, expression: str | None = None) -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression is not None:
        issue["expression"] = [expression]
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": [issue]}).model_dump(
        mode="json", exclude_none=True
    )


def outcome_response(
    status_code: int, code: str, diagnostics: str, expression: str | None = None, headers: dict | None = None
) -> FhirResponse:
    return FhirResponse(outcome(code, diagnostics, expression), status_code=status_code, headers=headers)


def _message(detail: Any) -> str:
    if isinstance(detail, dict):
        return str(detail.get("message", detail))
    return str(detail)


def _from_http(error: AnyHTTPException) -> FhirResponse:
    code = ISSUE_FOR_STATUS.get(error.status_code, "processing")
    return outcome_response(error.status_code, code, _message(error.detail), headers=error.headers)


def _from_validation(error: RequestValidationError) -> FhirResponse:
    problems = list(error.errors())
    first = problems[0] if problems else {"loc": (), "msg": "invalid request", "type": "value_error"}
    where = ".".join(str(part) for part in first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return outcome_response(status.HTTP_400_BAD_REQUEST, "structure", f"the body is not JSON ({where})")
    diagnostics = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in problems)
    return outcome_response(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", diagnostics, where or None)


class FhirRoute(APIRoute):
    """A route whose refusals, raised anywhere in its dependencies or body, are OperationOutcomes."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except FhirError as error:
                return outcome_response(
                    error.status_code, error.code, error.diagnostics, error.expression, error.headers
                )
            except AnyHTTPException as error:
                return _from_http(error)
            except RequestValidationError as error:
                return _from_validation(error)

        return answer


OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string", "description": "what is wrong, naming the parameter or field"},
                    "expression": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def resource_schema(resource_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"const": resource_type}},
        "additionalProperties": True,
    }


def fhir_answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {FHIR_JSON: {"schema": schema}}}


def refusals(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI answers given as OperationOutcomes, by status code (``_404="..."``)."""
    return {int(code.lstrip("_")): fhir_answer(text, OUTCOME_SCHEMA) for code, text in described.items()}
