"""Intake's configured parts, built once from settings: triage rules, the vault, the county's codes."""

from dataclasses import dataclass

from continuum_contracts.vocabulary import Channel
from pydantic import SecretStr

from continuum_intake.config import IntakeSettings, ResponseArea
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
    )
