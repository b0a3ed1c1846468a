"""Open311 GeoReport v2 discovery in the spec's XML: each .xml answer is its .json answer, element for element
(services/service, service_definition/attributes/attribute/values/value, errors/error), as text/xml."""

from typing import Any
from xml.etree import ElementTree

import pytest
from continuum_intake.app import create_app
from continuum_intake.config import IntakeSettings

from .conftest import ADMIN_TOKEN

BASE = "/open311/v2"
XML = "text/xml; charset=utf-8"
ITEM = {"services": "service", "attributes": "attribute", "values": "value", "errors": "error"}
COUNTY = "county.example.gov"


def _read(element: ElementTree.Element) -> Any:
    """An element as the JSON it maps: a list's items (each named for the list), an object's fields in order as
    (name, value) pairs, a leaf's text."""
    if element.tag in ITEM:
        assert all(child.tag == ITEM[element.tag] for child in element), element.tag
        return [_read(child) for child in element]
    if len(element):
        return [(child.tag, _read(child)) for child in element]
    return element.text or ""


def _as_xml_reads(value: Any) -> Any:
    """A JSON answer as its XML reads back: true/false as text, null as an empty element, numbers as text."""
    if isinstance(value, dict):
        return [(name, _as_xml_reads(field)) for name, field in value.items()]
    if isinstance(value, list):
        return [_as_xml_reads(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml(answer, status: int, root: str) -> ElementTree.Element:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == XML
    assert answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    element = ElementTree.fromstring(answer.content)
    assert element.tag == root and not element.attrib  # schemaless, no namespace
    return element


def test_the_service_list_in_xml_is_the_json_list(client):
    services = _xml(client.get(f"{BASE}/services.xml"), 200, "services")
    listed = client.get(f"{BASE}/services.json").json()
    assert listed and _read(services) == _as_xml_reads(listed)


def test_each_definition_in_xml_is_the_json_definition_with_its_attributes_in_order(client):
    for service in client.get(f"{BASE}/services.json").json():
        code = service["service_code"]
        definition = _xml(client.get(f"{BASE}/services/{code}.xml"), 200, "service_definition")
        assert _read(definition) == _as_xml_reads(client.get(f"{BASE}/services/{code}.json").json())
        orders = [int(attribute.findtext("order")) for attribute in definition.iter("attribute")]
        assert orders == sorted(orders) and definition.findtext("service_code") == code


def test_a_list_choice_and_an_empty_field_read_as_the_spec_shows_them(client):
    definition = _xml(client.get(f"{BASE}/services/MENTAL_HEALTH.xml"), 200, "service_definition")
    needs = next(a for a in definition.iter("attribute") if a.findtext("code") == "needs")
    assert needs.findtext("datatype") == "multivaluelist" and needs.findtext("variable") in ("true", "false")
    assert "housing" in {value.findtext("key") for value in needs.find("values")}
    assert b"<datatype_description></datatype_description>" in client.get(f"{BASE}/services/MENTAL_HEALTH.xml").content


def _error(answer) -> str:
    errors = _xml(answer, 404, "errors")
    [error] = errors
    assert error.tag == "error" and [child.tag for child in error] == ["code", "description"]
    assert error.findtext("code") == "404"
    return error.findtext("description")


@pytest.mark.parametrize("code", ["POTHOLE", "mental_health", "a/b", "WELFARE_CHECK.json"])
def test_an_unknown_service_code_is_the_specs_404_in_xml_saying_what_the_json_says(client, code):
    description = _error(client.get(f"{BASE}/services/{code}.xml"))
    assert "service_code" in description
    assert description == client.get(f"{BASE}/services/{code}.json").json()[0]["description"]


def test_a_configured_jurisdiction_id_refuses_another_in_xml_and_answers_its_own_or_none(client_for):
    client = client_for(IntakeSettings(admin_token=ADMIN_TOKEN, open311_jurisdiction_id=COUNTY))
    for url in (f"{BASE}/services.xml", f"{BASE}/services/WELFARE_CHECK.xml"):
        refused = _error(client.get(url, params={"jurisdiction_id": "sfgov.org"}))
        assert "jurisdiction_id" in refused and COUNTY in refused
        for params in ({"jurisdiction_id": COUNTY}, {"jurisdiction_id": ""}, {}):
            assert client.get(url, params=params).status_code == 200, (url, params)


def test_the_openapi_declares_the_xml_answers_their_elements_and_no_422(tmp_path):
    document = create_app(IntakeSettings(admin_token=ADMIN_TOKEN, data_dir=tmp_path)).openapi()
    roots = {f"{BASE}/services.xml": "services", f"{BASE}/services/{{service_code}}.xml": "service_definition"}
    schemas = document["components"]["schemas"]
    for path, root in roots.items():
        operation = document["paths"][path]["get"]
        assert set(operation["responses"]) == {"200", "404", "503"} and "security" not in operation, path
        answer = operation["responses"]["200"]["content"][XML]["schema"]
        named = answer.get("xml") or schemas[answer["allOf"][0]["$ref"].rsplit("/", 1)[1]]["xml"]
        assert named["name"] == root, path
        errors = operation["responses"]["404"]["content"][XML]["schema"]
        assert errors["xml"] == {"name": "errors", "wrapped": True}
        assert errors["items"] == {"$ref": "#/components/schemas/GeoReportError"}
    assert schemas["GeoReportError"]["xml"] == {"name": "error"} and schemas["ServiceOut"]["xml"] == {"name": "service"}
    assert schemas["ServiceDefinitionOut"]["properties"]["attributes"]["xml"] == {"wrapped": True}
    assert schemas["AttributeOut"]["xml"] == {"name": "attribute"} and schemas["ValueOut"]["xml"] == {"name": "value"}
