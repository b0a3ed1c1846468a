"""Every answer a route can give is in its OpenAPI: 503 while the service is at capacity or the database away on
every route, and 401 and 429 on every route that takes credentials, each with its body schema. A partner
integrator reading the document meets no answer it does not describe."""

import importlib

import pytest

from tests.deployment import APP_SERVICES as SERVICES
from tests.deployment import settings_class


def _document(service: str, tmp_path) -> dict:
    settings = settings_class(service)(data_dir=tmp_path, admin_token="openapi-admin-token-0123456789")
    app = importlib.import_module(f"continuum_{service}.app").create_app(settings)
    return app.openapi()


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_declares_the_database_outage_and_every_guarded_one_401_and_429(service, tmp_path):
    document = _document(service, tmp_path)
    missing = []
    for name, operation in _operations(document):
        expected = {"503"} | ({"401", "429"} if operation.get("security") else set())
        missing += [f"{name}: {code}" for code in sorted(expected - set(operation["responses"]))]
        for code in expected & set(operation["responses"]):
            answer = operation["responses"][code]
            if "content" not in answer:
                missing.append(f"{name}: {code} has no body schema")
    assert missing == []
    assert any(operation.get("security") for _, operation in _operations(document)), "no route takes credentials"


@pytest.mark.parametrize("service", SERVICES)
def test_the_outage_answer_says_when_to_try_again(service, tmp_path):
    for name, operation in _operations(_document(service, tmp_path)):
        if name != "GET /health":  # never refused: its 503 is its own report of the database and broker
            assert "Retry-After" in operation["responses"]["503"]["headers"], name


@pytest.mark.parametrize("service", SERVICES)
def test_health_declares_its_own_report_for_503(service, tmp_path):
    document = _document(service, tmp_path)
    health = document["paths"]["/health"]["get"]["responses"]
    for code in ("200", "503"):
        schema = health[code]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/HealthReport"}, code
    assert "headers" not in health["503"]


@pytest.mark.parametrize("service", ["handoff", "intake"])
def test_the_fhir_tag_says_what_fhir_answers_outside_its_operations(service, tmp_path):
    document = _document(service, tmp_path)
    [tag] = [tag for tag in document.get("tags", []) if tag["name"] == "fhir"]
    assert "404 OperationOutcome not-supported" in tag["description"] and "405" in tag["description"]
    assert all("fhir" in operation["tags"] for name, operation in _operations(document) if " /fhir/" in name)
