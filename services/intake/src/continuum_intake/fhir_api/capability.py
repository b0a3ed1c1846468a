"""The CapabilityStatement at /fhir/metadata: what intake's FHIR R4 facade serves, and how to sign in."""

from typing import Any

from continuum_kit.fhir import capability_statement as statement
from continuum_kit.fhir import search_param

PUBLISHED = "2026-12-01"
SEARCH_PARAMS = [
    ("patient", "reference", "the person: Patient/<person id> or the id; a partner finds those on its episodes"),
    ("_id", "token", "the Consent's id"),
]
SECURITY = (
    "County IT signs in with its bearer token and sees every consent; a partner registered for "
    "continuum.consent.recorded signs in with HTTP Basic and sees and records consents only on the episodes "
    "it is party to. This statement is served without credentials."
)


def capability_statement() -> dict[str, Any]:
    consent = {
        "type": "Consent",
        "documentation": "the person's consents to disclose categories of their record; the patient is a logical "
        "reference by id, never a name",
        "interaction": [{"code": code} for code in ("read", "search-type", "create")],
        "versioning": "no-version",
        "searchParam": [search_param(*param) for param in SEARCH_PARAMS],
    }
    return statement(
        published=PUBLISHED,
        software="Continuum intake",
        description="Continuum intake: the person's consents as FHIR Consents",
        security=SECURITY,
        resources=[consent],
    )
