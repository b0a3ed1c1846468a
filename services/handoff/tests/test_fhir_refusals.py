"""Bad input at handoff's /fhir, through the app: an unknown resource type, search parameter, status or method
gets an OperationOutcome (application/fhir+json) naming the problem, with a 4xx declared in the OpenAPI, and
what it quotes of the request is cut short."""

import json
from uuid import uuid4

import pytest

from .conftest import RESPITE
from .test_fhir_tasks import fhir, refused

PATCH = {"Content-Type": "application/json-patch+json"}
SERVED = "Task (read, search-type, patch, update); ServiceRequest (read)"


@pytest.mark.parametrize("path", ["/fhir/Patient", "/fhir/Foo/123", "/fhir/Foo/123/_history/2"])
def test_an_unknown_resource_type_is_404_not_supported_naming_it_and_the_types_served(hub, path):
    kind = path.split("/")[2]
    issue = refused(hub.client.get(path, auth=hub.credentials(RESPITE)), 404, "not-supported", f"'{kind}'")
    assert issue["diagnostics"] == f"resource type '{kind}' is not served; {SERVED}"


def test_an_unknown_type_is_refused_without_credentials_too_and_a_long_one_is_named_cut_short(hub):
    issue = refused(hub.client.get("/fhir/" + "Q" * 4000), 404, "not-supported", "'QQQ")
    assert "Q" * 64 not in issue["diagnostics"] and "…" in issue["diagnostics"]
    assert len(issue["diagnostics"]) <= 64 + len(f"resource type  is not served; {SERVED}")


def test_an_unknown_search_parameter_is_400_naming_it_cut_short(hub):
    auth = hub.credentials(RESPITE)
    issue = refused(hub.client.get("/fhir/Task", params={"subject": "x"}, auth=auth), 400, "not-supported", "'subject'")
    assert issue["expression"] == ["subject"] and "supported: owner, status" in issue["diagnostics"]
    long = refused(hub.client.get("/fhir/Task", params={"p" * 500: "1"}, auth=auth), 400, "not-supported", "'ppp")
    assert "p" * 64 not in long["diagnostics"]


def test_a_search_status_that_is_no_task_status_is_400_code_invalid_naming_it(hub):
    auth = hub.credentials(RESPITE)
    issue = refused(hub.client.get("/fhir/Task", params={"status": "open"}, auth=auth), 400, "code-invalid", "'open'")
    assert issue["expression"] == ["status"]
    long = hub.client.get("/fhir/Task", params={"status": "z" * 300}, auth=auth)
    assert "z" * 64 not in refused(long, 400, "code-invalid", "'zzz")["diagnostics"]


def test_a_patch_or_put_to_a_status_that_is_no_task_status_is_422_naming_it_and_moves_nothing(hub):
    handoff_id = hub.reserve()
    auth = hub.credentials(RESPITE)
    body = json.dumps([{"op": "replace", "path": "/status", "value": "done"}])
    patched = hub.client.patch(f"/fhir/Task/{handoff_id}", content=body, headers=PATCH, auth=auth)
    assert refused(patched, 422, "code-invalid", "'done'")["expression"] == ["Task.status"]
    current = fhir(hub.client.get(f"/fhir/Task/{handoff_id}", auth=auth), "Task")
    for sent, named in (("done", "'done'"), ({"code": "accepted"}, "{'code': 'accepted'}"), (7, "7")):
        put = hub.client.put(f"/fhir/Task/{handoff_id}", json=current | {"status": sent}, auth=auth)
        assert refused(put, 422, "code-invalid", f"Task.status {named} is not")["expression"] == ["Task.status"]
    assert hub.handoff(handoff_id)["status"] == "requested" and hub.types() == ["handoff.requested"]


def test_a_method_a_fhir_path_does_not_serve_is_405_with_allow(hub):
    auth = hub.credentials(RESPITE)
    for method, path, allow in [
        ("POST", "/fhir/metadata", "GET"),
        ("DELETE", f"/fhir/Task/{uuid4()}", "GET, PATCH, PUT"),
        ("POST", "/fhir/Task", "GET"),
        ("PUT", f"/fhir/ServiceRequest/{uuid4()}", "GET"),
    ]:
        answer = hub.client.request(method, path, auth=auth)
        issue = refused(answer, 405, "not-supported", f"{method} is not supported on /fhir/")
        assert answer.headers["allow"] == allow and issue["diagnostics"].endswith(f"only {allow}"), path


def test_the_refusals_are_declared_as_operation_outcomes_in_the_openapi(hub):
    paths = hub.client.get("/openapi.json").json()["paths"]
    declared = [
        ("/fhir/Task", "get", "400"),
        ("/fhir/Task/{task_id}", "patch", "422"),
        ("/fhir/Task/{task_id}", "put", "422"),
        ("/fhir/Task/{task_id}", "get", "404"),
    ]
    for path, method, code in declared:
        answer = paths[path][method]["responses"][code]
        schema = answer["content"]["application/fhir+json"]["schema"]
        assert schema["properties"]["resourceType"] == {"const": "OperationOutcome"}, (path, method, code)
    assert "status" in paths["/fhir/Task/{task_id}"]["patch"]["responses"]["422"]["description"]
    assert not [path for path in paths if "{resource_type}" in path], "the catch-alls are no operations"
