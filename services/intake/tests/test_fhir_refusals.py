"""Bad input at intake's /fhir, through the app: an unknown resource type, search parameter, Consent.status or
method gets an OperationOutcome (application/fhir+json) naming the problem, with a 4xx declared in the OpenAPI;
what it quotes of the request is cut short, and nothing of the person is quoted."""

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from .test_consents import CONSENT_RECORDED
from .test_fhir_consents import fhir_consent

SERVED = "Consent (read, search-type, create)"
CONSENT_ID = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def recorder(register):
    return register("988-center", event_types=["continuum.contact.submitted.v1", CONSENT_RECORDED])


@pytest.fixture
def episode(client, recorder):
    first = {"medium": "call", "caller": {"name": "Robin Example"}, "needs": ["substance_use"], "note": "detox"}
    return client.post("/v1/contacts/crisis-line", json=first, auth=recorder).json()["episode_id"]


def refused(answer, status_code: int, code: str, naming: str) -> dict:
    """The answer's one issue, checked: status, FHIR's media type, a valid OperationOutcome naming ``naming``."""
    assert answer.status_code == status_code, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    [issue] = OperationOutcome.model_validate(answer.json()).model_dump(mode="json", exclude_none=True)["issue"]
    assert (issue["severity"], issue["code"]) == ("error", code)
    assert naming in issue["diagnostics"], issue
    return issue


@pytest.mark.parametrize("path", ["/fhir/Patient", "/fhir/Foo/123", "/fhir/Patient/123/$everything"])
def test_an_unknown_resource_type_is_404_not_supported_naming_it_and_the_types_served(client, recorder, path):
    kind = path.split("/")[2]
    issue = refused(client.get(path, auth=recorder), 404, "not-supported", f"'{kind}'")
    assert issue["diagnostics"] == f"resource type '{kind}' is not served; {SERVED}"


def test_a_long_unknown_type_is_named_cut_short(client):
    issue = refused(client.get("/fhir/" + "Q" * 4000), 404, "not-supported", "'QQQ")
    assert "Q" * 64 not in issue["diagnostics"] and "…" in issue["diagnostics"]


def test_an_unknown_search_parameter_is_400_naming_it_and_not_its_value(client, recorder):
    given = {"name": "Robin Example"}
    issue = refused(client.get("/fhir/Consent", params=given, auth=recorder), 400, "not-supported", "'name'")
    assert issue["expression"] == ["name"] and "supported: patient, _id" in issue["diagnostics"]
    assert "Robin" not in issue["diagnostics"]
    long = refused(client.get("/fhir/Consent", params={"p" * 500: "1"}, auth=recorder), 400, "not-supported", "'pp")
    assert "p" * 64 not in long["diagnostics"]


def test_a_patient_that_is_no_id_is_400_without_quoting_it(client, recorder):
    answer = client.get("/fhir/Consent", params={"patient": "Robin Example"}, auth=recorder)
    issue = refused(answer, 400, "invalid", "search parameter patient is not an id")
    assert "Robin" not in issue["diagnostics"]


@pytest.mark.parametrize(
    ("status", "named"),
    [("withdrawn", "'withdrawn'"), ({"code": "active"}, "{'code': 'active'}"), (None, "None"), ("w" * 300, "'www")],
)
def test_a_consent_status_that_is_no_fhir_status_is_422_code_invalid_naming_it_and_nothing_recorded(
    client, clock, episode, recorder, status, named
):
    body = fhir_consent(clock, episode) | {"status": status}
    issue = refused(
        client.post("/fhir/Consent", json=body, auth=recorder), 422, "code-invalid", f"Consent.status {named}"
    )
    assert issue["expression"] == ["Consent.status"] and "w" * 64 not in issue["diagnostics"]
    assert "draft, entered-in-error, inactive, proposed, rejected" in issue["diagnostics"]
    assert client.get(f"/v1/episodes/{episode}/consents", auth=recorder).json() == []


def test_a_fhir_status_intake_does_not_record_stays_422_not_supported(client, clock, episode, recorder):
    body = fhir_consent(clock, episode) | {"status": "proposed"}
    refused(client.post("/fhir/Consent", json=body, auth=recorder), 422, "not-supported", "only an active consent")


def test_a_method_a_fhir_path_does_not_serve_is_405_with_allow(client, recorder):
    for method, path, allow in [
        ("DELETE", f"/fhir/Consent/{CONSENT_ID}", "GET"),
        ("PUT", f"/fhir/Consent/{CONSENT_ID}", "GET"),
        ("POST", "/fhir/metadata", "GET"),
        ("DELETE", "/fhir/Consent", "GET, POST"),
    ]:
        answer = client.request(method, path, auth=recorder)
        issue = refused(answer, 405, "not-supported", f"{method} is not supported on /fhir/")
        assert answer.headers["allow"] == allow and issue["diagnostics"].endswith(f"only {allow}"), path


def test_the_refusals_are_declared_as_operation_outcomes_in_the_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, code in [("/fhir/Consent", "get", "400"), ("/fhir/Consent", "post", "422")]:
        answer = paths[path][method]["responses"][code]
        schema = answer["content"]["application/fhir+json"]["schema"]
        assert schema["properties"]["resourceType"] == {"const": "OperationOutcome"}, (path, method, code)
    assert "status" in paths["/fhir/Consent"]["post"]["responses"]["422"]["description"]
    assert not [path for path in paths if "{resource_type}" in path], "the catch-alls are no operations"
