"""GeoReport v2 discovery in the spec's XML: the JSON answers, element for element.

The spec's JSON is "a programmatic mapping of the XML format" (the Spark convention), so each XML answer is
built from the JSON one: an object is an element with a child per field, in the JSON's order; a list is an
element named for it holding one element per item (``services``/``service``, ``attributes``/``attribute``,
``values``/``value``, ``errors``/``error``); true and false are ``true`` and ``false``; null is an empty
element (the spec's ``<datatype_description></datatype_description>``). Schemaless and without a namespace,
as the spec has it, preceded by the XML declaration with ``encoding="utf-8"``; served as ``text/xml;
charset=utf-8``, the spec's content type for XML.
"""

from typing import Any
from xml.etree import ElementTree

from fastapi.responses import Response

XML = "text/xml; charset=utf-8"  # the spec's content type for XML
ITEM = {"services": "service", "attributes": "attribute", "values": "value", "errors": "error"}


class GeoReportXML(Response):
    media_type = XML


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, field in value.items():
            _fill(ElementTree.SubElement(element, name), field)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, ITEM[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def document(root: str, answer: Any) -> bytes:
    """``answer`` as the JSON route gives it (a list for ``services`` or ``errors``, an object for
    ``service_definition``), as the spec's XML document."""
    element = ElementTree.Element(root)
    _fill(element, answer)
    ElementTree.indent(element)
    body = ElementTree.tostring(element, encoding="unicode", short_empty_elements=False)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def errors(status: int, description: str) -> GeoReportXML:
    return GeoReportXML(document("errors", [{"code": status, "description": description}]), status_code=status)


def list_of(root: str, component: str) -> dict[str, Any]:
    """The OpenAPI schema of a list answer in XML: the root element wrapping one element per item, each
    named as its component's schema says (``xml.name``)."""
    return {
        "type": "array",
        "items": {"$ref": f"#/components/schemas/{component}"},
        "xml": {"name": root, "wrapped": True},
    }
