"""The CapabilityStatement at /fhir/metadata: what this FHIR R4 facade serves, and how to sign in."""

from typing import Any

from continuum_kit.fhir import JSON_PATCH, search_param
from continuum_kit.fhir import capability_statement as statement

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


def capability_statement(published: str) -> dict[str, Any]:
    task = {
        "type": "Task",
        "supportedProfile": [SDOHCC_TASK],
        "documentation": "warm handoffs and referrals; a referral is an SDOHCC Task For Referral Management",
        "interaction": [{"code": code} for code in ("read", "search-type", "patch", "update")],
        "versioning": "no-version",
        "updateCreate": False,
        "searchParam": [search_param(*param) for param in SEARCH_PARAMS],
    }
    request = {
        "type": "ServiceRequest",
        "documentation": "what a Task asks for (same id as the Task); nothing about the person",
        "interaction": [{"code": "read"}],
    }
    return statement(
        published=published,
        software="Continuum handoff",
        description="Continuum handoff: warm handoffs and referrals as FHIR Tasks",
        security=SECURITY,
        security_services=["HTTP Basic (partners)", "Bearer token (county IT)"],
        resources=[task, request],
        patch_formats=[JSON_PATCH],
    )
