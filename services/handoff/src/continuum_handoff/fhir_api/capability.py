"""The CapabilityStatement at /fhir/metadata: what this FHIR R4 facade serves, and how to sign in."""

from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from continuum_handoff.fhir_api.mapping import SDOHCC_TASK

SEARCH_PARAMS = [
    ("owner", "reference", "the partner a Task is addressed to: its id, Organization/id, or urn:continuum:partner|id"),
    ("status", "token", "Task.status; comma-separated values are alternatives"),
    ("_lastUpdated", "date", "meta.lastUpdated with a prefix gt, ge, lt or le (repeat it for a range)"),
    ("_id", "token", "the Task's id"),
]
SECURITY = (
    "County IT signs in with its bearer token (CONTINUUM_ADMIN_TOKEN) and reads every Task; a partner signs in "
    "with HTTP Basic (its handoff partner id and secret) and reads only the Tasks it is party to; only a Task's "
    "owner moves it. This statement is served without credentials."
)


def _param(name: str, kind: str, documentation: str) -> dict[str, str]:
    return {"name": name, "type": kind, "documentation": documentation}


def capability_statement(published: str) -> dict[str, Any]:
    task = {
        "type": "Task",
        "supportedProfile": [SDOHCC_TASK],
        "documentation": "warm handoffs and referrals; a referral is an SDOHCC Task For Referral Management",
        "interaction": [{"code": code} for code in ("read", "search-type", "patch", "update")],
        "versioning": "no-version",
        "updateCreate": False,
        "searchParam": [_param(*param) for param in SEARCH_PARAMS],
    }
    request = {
        "type": "ServiceRequest",
        "documentation": "what a Task asks for (same id as the Task); nothing about the person",
        "interaction": [{"code": "read"}],
    }
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": published,
        "kind": "instance",
        "software": {"name": "Continuum handoff"},
        "implementation": {"description": "Continuum handoff: warm handoffs and referrals as FHIR Tasks"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "patchFormat": ["application/json-patch+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [{"text": "HTTP Basic (partners)"}, {"text": "Bearer token (county IT)"}],
                    "description": SECURITY,
                },
                "resource": [task, request],
            }
        ],
    }
    return CapabilityStatement.model_validate(statement).model_dump(mode="json", exclude_none=True, by_alias=True)
