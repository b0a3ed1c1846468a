"""Open311 GeoReport v2 discovery: the 311 services the county routes to Continuum, each one's definition, the
spec's errors, a configured jurisdiction_id; and every service listed is taken by ``POST /v1/contacts/311``."""

import pytest
from continuum_intake.api.channel_bodies import Request311
from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings
from continuum_intake.open311_services import ANSWER_FIELDS, Open311Attribute, Open311Service
from pydantic import ValidationError

from .conftest import ADMIN_TOKEN

SERVICES = "/open311/v2/services.json"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
COUNTY = "county.example.gov"


def definition_url(code: str) -> str:
    return f"/open311/v2/services/{code}.json"


def _georeport_error(answer, status: int) -> str:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    [error] = answer.json()
    assert set(error) == {"code", "description"} and error["code"] == status
    return error["description"]


def test_the_list_answers_every_configured_service_with_the_specs_fields_and_no_credential(client, settings):
    answer = client.get(SERVICES)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json; charset=utf-8"
    listed = answer.json()
    assert [s["service_code"] for s in listed] == [s.service_code for s in settings.open311_services]
    assert {"WELFARE_CHECK", "MENTAL_HEALTH", "HOMELESS_CONCERN"} <= {s["service_code"] for s in listed}
    for service, configured in zip(listed, settings.open311_services, strict=True):
        assert set(service) == SERVICE_FIELDS
        assert service["service_name"] == configured.service_name and service["description"]
        assert service["metadata"] is True and service["type"] == "realtime"
        assert service["keywords"] == ", ".join(configured.keywords) and service["group"] == "Behavioral health"


def test_a_definition_answers_its_attributes_in_order(client):
    answer = client.get(definition_url("MENTAL_HEALTH"))
    assert answer.status_code == 200, answer.text
    definition = answer.json()
    assert set(definition) == {"service_code", "attributes"} and definition["service_code"] == "MENTAL_HEALTH"
    attributes = definition["attributes"]
    assert [a["order"] for a in attributes] == sorted(a["order"] for a in attributes)
    assert attributes[0]["code"] == "safety.imminent_risk_with_means" and attributes[0]["required"] is True
    for attribute in attributes:
        assert set(attribute) == ATTRIBUTE_FIELDS | {"values"} and attribute["datatype"] in DATATYPES
        listed = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
        assert bool(attribute["values"]) == listed
        assert all(set(value) == {"key", "name"} for value in attribute["values"])
    needs = next(a for a in attributes if a["code"] == "needs")
    assert needs["datatype"] == "multivaluelist" and "housing" in {v["key"] for v in needs["values"]}


@pytest.mark.parametrize("code", ["POTHOLE", "mental_health", "a/b", "WELFARE_CHECK.xml"])
def test_an_unknown_service_code_is_404_in_the_georeport_error_format(client, code):
    assert "service_code" in _georeport_error(client.get(definition_url(code)), 404)


def test_a_configured_jurisdiction_id_refuses_another_and_answers_its_own_or_none(client_for):
    client = client_for(IntakeSettings(admin_token=ADMIN_TOKEN, open311_jurisdiction_id=COUNTY))
    for url in (SERVICES, definition_url("WELFARE_CHECK")):
        refused = client.get(url, params={"jurisdiction_id": "sfgov.org"})
        assert "jurisdiction_id" in _georeport_error(refused, 404) and COUNTY in refused.json()[0]["description"]
        for params in ({"jurisdiction_id": COUNTY}, {"jurisdiction_id": ""}, {}):
            assert client.get(url, params=params).status_code == 200, (url, params)


def test_without_a_configured_jurisdiction_id_the_parameter_is_ignored(client):
    assert client.get(SERVICES, params={"jurisdiction_id": "sfgov.org"}).json() == client.get(SERVICES).json()


def _body_answering(definition: dict, request_id: str) -> dict:
    """A 311 system's request: each attribute's first choice (or some text) in the body field its code names."""
    body: dict = {"service_request_id": request_id, "service_code": definition["service_code"]}
    for attribute in definition["attributes"]:
        keys = [value["key"] for value in attribute["values"]]
        if attribute["datatype"] == "multivaluelist":
            answer = keys
        elif attribute["datatype"] == "singlevaluelist":
            answer = {"true": True, "false": False}.get(keys[0], keys[0])
        else:
            answer = "By the bus shelter on 5th, wearing a red coat."
        *parents, leaf = attribute["code"].split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = answer
    return body | {"lat": 45.52, "long": -122.67, "address_string": "5th and Main"}


def test_every_service_listed_is_taken_by_post_311_with_the_answers_its_definition_asks_for(client, partner):
    for number, service in enumerate(client.get(SERVICES).json()):
        definition = client.get(definition_url(service["service_code"])).json()
        body = _body_answering(definition, f"SR-{number}")
        taken = client.post("/v1/contacts/311", json=body, auth=partner)
        assert taken.status_code == 201, (service["service_code"], taken.text)
        bare = {"service_request_id": f"SR-bare-{number}", "service_code": service["service_code"]}
        assert client.post("/v1/contacts/311", json=bare, auth=partner).status_code == 201


def test_each_field_an_attribute_may_fill_is_a_field_of_the_311_body():
    for code in ANSWER_FIELDS:
        model = Request311
        for name in code.split("."):
            assert name in model.model_fields, code
            model = model.model_fields[name].annotation


def test_the_settings_refuse_a_service_the_post_would_refuse_or_an_attribute_no_body_field_takes():
    service = Open311Service(service_code="POTHOLE", service_name="Pothole", description="A hole in the road")
    with pytest.raises(ValidationError, match="'POTHOLE' is not one of call_types"):
        IntakeSettings(open311_services=[service])
    assert IntakeSettings(
        open311_services=[service], call_types=["POTHOLE"], eido_incident_types={}
    ).open311_services == [service]
    with pytest.raises(ValidationError, match="not a field of the 311 body"):
        Open311Attribute(code="shoe_size", datatype="number", order=1, description="What size?")
    with pytest.raises(ValidationError, match="which its field does not take"):
        Open311Attribute(
            code="needs", datatype="multivaluelist", order=1, description="?", values=[{"key": "x", "name": "X"}]
        )
    info = Open311Attribute(code="notice", datatype="string", order=1, description="Call 911 if", variable=False)
    assert info.code == "notice"


def test_the_openapi_declares_the_georeport_answers_and_no_422(tmp_path):
    document = create_app(IntakeSettings(admin_token=ADMIN_TOKEN, data_dir=tmp_path)).openapi()
    for path in (SERVICES, "/open311/v2/services/{service_code}.json"):
        operation = document["paths"][path]["get"]
        assert set(operation["responses"]) == {"200", "404", "503"} and "security" not in operation, path
        schema = operation["responses"]["404"]["content"]["application/json; charset=utf-8"]["schema"]
        assert schema["items"] == {"$ref": "#/components/schemas/GeoReportError"}
