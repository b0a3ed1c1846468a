"""The FHIR R4 facade shared by the services that have one (handoff's Tasks, intake's Consents), on the
fhir.resources R4B models: OperationOutcome refusals (``outcome``), validated resources and the
CapabilityStatement (``resources``), and OperationOutcomes for what a facade does not serve (``unserved``).
What each resource means stays in its service."""

from continuum_kit.fhir.outcome import (
    FHIR_JSON,
    JSON_PATCH,
    NAMED_AT_MOST,
    OUTCOME_SCHEMA,
    FhirError,
    FhirResponse,
    FhirRoute,
    fhir_answer,
    named,
    outcome,
    outcome_response,
    refusals,
    refuse,
    resource_schema,
)
from continuum_kit.fhir.resources import capability_statement, matched, search_param, searchset, valid
from continuum_kit.fhir.unserved import FHIR_TAG, answer_the_rest

__all__ = [
    "FHIR_JSON",
    "FHIR_TAG",
    "JSON_PATCH",
    "NAMED_AT_MOST",
    "OUTCOME_SCHEMA",
    "FhirError",
    "FhirResponse",
    "FhirRoute",
    "answer_the_rest",
    "capability_statement",
    "fhir_answer",
    "matched",
    "named",
    "outcome",
    "outcome_response",
    "refusals",
    "refuse",
    "resource_schema",
    "search_param",
    "searchset",
    "valid",
]
