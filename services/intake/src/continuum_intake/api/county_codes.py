"""The county's own codes in intake's OpenAPI: the call types and demographic fields it accepts are
configuration (``call_types``, ``demographic_fields``), so the document lists them, and a partner reads
which codes are accepted instead of learning them from a 422."""

from typing import Any

from continuum_kit import openapi_answers
from fastapi import FastAPI

from continuum_intake.config import IntakeSettings

CALL_TYPE_FIELDS = ("call_type", "call_type_code", "service_code")


def _enumerate(field: dict[str, Any], values: list[str]) -> None:
    # ``Code | None`` is an anyOf of the string and null: the values belong to the string.
    for branch in field.get("anyOf", [field]):
        if branch.get("type") == "string":
            branch["enum"] = values


def _declare(schema: dict[str, Any], settings: IntakeSettings) -> None:
    for name, model in schema.get("components", {}).get("schemas", {}).items():
        if name.endswith("Out"):
            continue  # what intake answers may carry a code the county has since retired
        fields = model.get("properties", {})
        for field in CALL_TYPE_FIELDS:
            if field in fields:
                _enumerate(fields[field], sorted(settings.call_types))
        if "demographics" in fields and fields["demographics"].get("type") == "object":
            fields["demographics"]["propertyNames"] = {"enum": sorted(settings.demographic_fields)}


def install(app: FastAPI, settings: IntakeSettings) -> None:
    openapi_answers.amend(app, lambda schema: _declare(schema, settings))
