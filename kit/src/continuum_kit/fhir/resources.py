"""FHIR R4 resources a facade answers with, validated by the fhir.resources (R4B) models: any resource, a
searchset Bundle, and the CapabilityStatement at /fhir/metadata (what the facade serves goes in ``resources``)."""

from collections.abc import Sequence
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

FHIR_VERSION = "4.0.1"


def valid(model: type, resource: dict[str, Any]) -> dict[str, Any]:
    """The resource checked by its model (a ValidationError where it is not valid FHIR), as JSON."""
    return model.model_validate(resource).model_dump(mode="json", exclude_none=True, by_alias=True)


def matched(base: str, resource: dict[str, Any]) -> dict[str, Any]:
    """A searchset entry for a resource the search found, its fullUrl under ``base`` (…/fhir)."""
    full_url = f"{base}/{resource['resourceType']}/{resource['id']}"
    return {"fullUrl": full_url, "resource": resource, "search": {"mode": "match"}}


def searchset(url: str, total: int, entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The Bundle a search answers: ``total`` matches, ``entries`` (``matched`` ones, and any outcome)."""
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": url}],
        "entry": list(entries),
    }
    return valid(Bundle, bundle)


def search_param(name: str, kind: str, documentation: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": documentation}


def capability_statement(
    *,
    published: str,
    software: str,
    description: str,
    security: str,
    resources: Sequence[dict[str, Any]],
    security_services: Sequence[str] = (),
    patch_formats: Sequence[str] = (),
) -> dict[str, Any]:
    """A server's CapabilityStatement (an instance, JSON only): its security and the resources it serves."""
    rest_security: dict[str, Any] = {"description": security}
    if security_services:
        rest_security = {"service": [{"text": text} for text in security_services], **rest_security}
    statement: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": published,
        "kind": "instance",
        "software": {"name": software},
        "implementation": {"description": description},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{"mode": "server", "security": rest_security, "resource": list(resources)}],
    }
    if patch_formats:
        statement["patchFormat"] = list(patch_formats)
    return valid(CapabilityStatement, statement)
