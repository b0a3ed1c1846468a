"""The FHIR facade's shared pieces: every refusal on a FhirRoute is an OperationOutcome in application/fhir+json
with the status code of the refusal, what a facade does not serve is 404 or 405 (with Allow), what a caller sent
is quoted cut short, and the resources built validate as FHIR R4."""

from continuum_kit.fhir import (
    FHIR_JSON,
    FHIR_TAG,
    OUTCOME_SCHEMA,
    FhirResponse,
    FhirRoute,
    answer_the_rest,
    capability_statement,
    matched,
    named,
    outcome,
    refusals,
    refuse,
    search_param,
    searchset,
)
from fastapi import APIRouter, Body, FastAPI, HTTPException
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from pydantic import BaseModel


class Note(BaseModel):
    text: str


def _client() -> TestClient:
    router = APIRouter(prefix="/fhir", route_class=FhirRoute)

    @router.get("/metadata", response_class=FhirResponse)
    def metadata() -> FhirResponse:
        return FhirResponse({"resourceType": "CapabilityStatement"})

    @router.get("/Thing/{thing_id}", response_class=FhirResponse)
    def read(thing_id: str) -> FhirResponse:
        if thing_id == "locked":
            raise HTTPException(403, "not yours", headers={"X-Why": "scope"})
        refuse(404, "not-found", "no Thing of that id", "Thing.id")

    @router.post("/Thing", response_class=FhirResponse)
    def create(note: Note = Body()) -> FhirResponse:
        return FhirResponse({"resourceType": "Thing"}, status_code=201)

    answer_the_rest(router, {"Thing": "read, create"})
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


def _issue(answer, status_code: int, code: str) -> dict:
    assert answer.status_code == status_code, answer.text
    assert answer.headers["content-type"].startswith(FHIR_JSON)
    [issue] = OperationOutcome.model_validate(answer.json()).model_dump(mode="json", exclude_none=True)["issue"]
    assert (issue["severity"], issue["code"]) == ("error", code)
    return issue


def test_a_refusal_is_an_operation_outcome_with_its_status_issue_type_and_expression():
    issue = _issue(_client().get("/fhir/Thing/123"), 404, "not-found")
    assert (issue["diagnostics"], issue["expression"]) == ("no Thing of that id", ["Thing.id"])


def test_an_http_exception_keeps_its_status_and_headers_and_gets_the_issue_type_of_its_status():
    answer = _client().get("/fhir/Thing/locked")
    assert _issue(answer, 403, "forbidden")["diagnostics"] == "not yours"
    assert answer.headers["x-why"] == "scope"


def test_a_body_that_is_not_json_is_400_structure_and_a_field_that_fails_is_422_naming_it_not_its_value():
    client = _client()
    broken = client.post("/fhir/Thing", content=b"{not json", headers={"Content-Type": FHIR_JSON})
    assert "not JSON" in _issue(broken, 400, "structure")["diagnostics"]
    wrong = _issue(client.post("/fhir/Thing", json={"text": ["Dana Example"]}), 422, "invalid")
    assert wrong["expression"] == ["body.text"]
    assert "body.text" in wrong["diagnostics"] and "Dana" not in wrong["diagnostics"]


def test_a_type_not_served_is_404_not_supported_naming_it_and_the_types_served():
    client = _client()
    for path in ("/fhir/Patient", "/fhir/Patient/123", "/fhir/Patient/123/_history/1"):
        issue = _issue(client.get(path), 404, "not-supported")
        assert issue["diagnostics"] == "resource type 'Patient' is not served; Thing (read, create)", path


def test_a_long_type_is_named_cut_short():
    issue = _issue(_client().get("/fhir/" + "A" * 5000), 404, "not-supported")
    assert "'" + "A" * 62 + "…" in issue["diagnostics"] and "A" * 64 not in issue["diagnostics"]
    assert len(issue["diagnostics"]) < 150


def test_a_served_type_on_a_path_not_served_is_404_not_supported():
    issue = _issue(_client().get("/fhir/Thing/1/_history"), 404, "not-supported")
    assert "Thing" in issue["diagnostics"] and "served: Thing (read, create)" in issue["diagnostics"]


def test_a_method_a_served_path_lacks_is_405_with_allow():
    client = _client()
    deleted = client.delete("/fhir/Thing/123")
    issue = _issue(deleted, 405, "not-supported")
    assert deleted.headers["allow"] == "GET"
    assert issue["diagnostics"] == "DELETE is not supported on /fhir/Thing/{thing_id}: only GET"
    posted = client.post("/fhir/metadata")
    assert _issue(posted, 405, "not-supported")["diagnostics"].startswith("POST is not supported on /fhir/metadata")
    assert posted.headers["allow"] == "GET"
    assert client.put("/fhir/Thing").headers["allow"] == "POST"


def test_the_catch_alls_are_not_in_the_openapi():
    paths = _client().app.openapi()["paths"]
    assert sorted(paths) == ["/fhir/Thing", "/fhir/Thing/{thing_id}", "/fhir/metadata"]
    assert FHIR_TAG["name"] == "fhir" and "404 OperationOutcome" in FHIR_TAG["description"]  # said there instead
    assert "405 OperationOutcome" in FHIR_TAG["description"] and "Allow" in FHIR_TAG["description"]


def test_named_quotes_at_most_64_characters():
    assert named("colour") == "'colour'"
    assert named(None) == "None"
    cut = named("x" * 1000)
    assert len(cut) == 64 and cut.endswith("…") and cut.startswith("'xxx")
    assert named("y" * 62) == "'" + "y" * 62 + "'"  # 64 with its quotes: whole
    assert len(named("z" * 5, limit=4)) == 4


def test_outcome_is_a_valid_operation_outcome_and_refusals_declare_it_as_fhir_json():
    body = outcome("required", "search by patient or _id", "patient")
    OperationOutcome.model_validate(body)
    assert body["issue"] == [
        {"severity": "error", "code": "required", "diagnostics": "search by patient or _id", "expression": ["patient"]}
    ]
    declared = refusals(_400="an unknown parameter", _404="no such thing")
    assert sorted(declared) == [400, 404]
    assert declared[400] == {"description": "an unknown parameter", "content": {FHIR_JSON: {"schema": OUTCOME_SCHEMA}}}


def test_a_searchset_is_a_valid_bundle_with_its_matches_and_total():
    found = {"resourceType": "Task", "id": "c1", "status": "requested", "intent": "order"}
    bundle = searchset("http://x/fhir/Task?_id=c1", 1, [matched("http://x/fhir", found)])
    Bundle.model_validate(bundle)
    assert (bundle["type"], bundle["total"], bundle["link"][0]["url"]) == (
        "searchset",
        1,
        "http://x/fhir/Task?_id=c1",
    )
    assert bundle["entry"] == [{"fullUrl": "http://x/fhir/Task/c1", "resource": found, "search": {"mode": "match"}}]


def test_a_capability_statement_validates_and_says_what_is_served():
    thing = {"type": "Task", "interaction": [{"code": "read"}], "searchParam": [search_param("_id", "token", "id")]}
    statement = capability_statement(
        published="2026-05-01",
        software="Continuum test",
        description="a test facade",
        security="sign in",
        resources=[thing],
        security_services=["HTTP Basic"],
        patch_formats=["application/json-patch+json"],
    )
    parsed = CapabilityStatement.model_validate(statement)
    assert (parsed.fhirVersion, parsed.format, parsed.kind, parsed.status) == ("4.0.1", ["json"], "instance", "active")
    assert statement["patchFormat"] == ["application/json-patch+json"]
    assert statement["rest"][0]["security"] == {"service": [{"text": "HTTP Basic"}], "description": "sign in"}
    assert statement["rest"][0]["resource"][0]["searchParam"] == [
        {"name": "_id", "type": "token", "documentation": "id"}
    ]
    plain = capability_statement(published="2026-05-01", software="s", description="d", security="x", resources=[])
    assert "patchFormat" not in plain and plain["rest"][0]["security"] == {"description": "x"}
