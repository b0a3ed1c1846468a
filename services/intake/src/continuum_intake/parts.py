"""Intake's configured parts, built once from settings: triage rules, the vault, the county's codes."""

import logging
from dataclasses import dataclass, field
from typing import Annotated

from continuum_contracts.vocabulary import Channel
from continuum_kit.passwords import VerifiedSecrets
from continuum_kit.service import RuntimeDep
from fastapi import Depends, Request
from pydantic import SecretStr

from continuum_intake.config import IntakeSettings, ResponseArea
from continuum_intake.rulebook import load_rules
from continuum_intake.triage import TriageRules
from continuum_intake.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeParts:
    rules: TriageRules
    vault: Vault
    areas: list[ResponseArea]
    programs: dict[Channel, str]
    call_types: frozenset[str]
    demographic_fields: frozenset[str]
    admin_token: SecretStr | None
    verified: VerifiedSecrets = field(default_factory=VerifiedSecrets)


def build_parts(settings: IntakeSettings) -> IntakeParts:
    """Reads the triage rules file (a bad one raises, naming the rule and field) and keys the vault."""
    for name in settings.development_secrets():
        # Says which setting, never its value.
        log.warning(
            "intake: %s is the built-in DEVELOPMENT value, which is public: NOT FOR PRODUCTION. "
            "Set CONTINUUM_%s before any real person's details are taken.",
            name,
            name.upper(),
        )
    return IntakeParts(
        rules=load_rules(settings.triage_rules_path),
        vault=Vault(settings.vault_keys, settings.vault_index_key),
        areas=list(settings.areas),
        programs=dict(settings.program_for_channel),
        call_types=frozenset(settings.call_types),
        demographic_fields=frozenset(settings.demographic_fields),
        admin_token=settings.admin_token,
    )


def _parts(request: Request, runtime: RuntimeDep) -> IntakeParts:
    """The parts the composition root built; a bare test app builds them from its settings on first use."""
    parts = getattr(request.app.state, "intake_parts", None)
    if parts is None:
        assert isinstance(runtime.settings, IntakeSettings), "intake runs with IntakeSettings"
        parts = request.app.state.intake_parts = build_parts(runtime.settings)
    return parts


PartsDep = Annotated[IntakeParts, Depends(_parts)]
