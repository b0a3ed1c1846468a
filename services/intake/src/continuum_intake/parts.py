"""Intake's configured parts, built once from settings: triage rules, the vault, the county's codes and
311 services."""

from dataclasses import dataclass

from continuum_contracts.vocabulary import Channel
from pydantic import SecretStr

from continuum_intake.config import IntakeSettings, ResponseArea
from continuum_intake.open311_services import Open311Service
from continuum_intake.rulebook import load_rules
from continuum_intake.triage import TriageRules
from continuum_intake.vault import Vault


@dataclass(frozen=True)
class IntakeParts:
    rules: TriageRules
    vault: Vault
    areas: list[ResponseArea]
    programs: dict[Channel, str]
    call_types: frozenset[str]
    demographic_fields: frozenset[str]
    admin_token: SecretStr | None
    open311_services: dict[str, Open311Service]  # by service_code, in the county's order
    open311_jurisdiction_id: str | None
    eido_incident_types: dict[str, str]  # an EIDO incident type to one of call_types


def build_parts(settings: IntakeSettings) -> IntakeParts:
    """Reads the triage rules file (a bad one raises, naming the rule and field) and keys the vault."""
    return IntakeParts(
        rules=load_rules(settings.triage_rules_path),
        vault=Vault(settings.vault_keys, settings.vault_index_key),
        areas=list(settings.areas),
        programs=dict(settings.program_for_channel),
        call_types=frozenset(settings.call_types),
        demographic_fields=frozenset(settings.demographic_fields),
        admin_token=settings.admin_token,
        open311_services={service.service_code: service for service in settings.open311_services},
        open311_jurisdiction_id=settings.open311_jurisdiction_id or None,
        eido_incident_types=dict(settings.eido_incident_types),
    )
