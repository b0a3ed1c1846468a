"""Reads a county's triage rules file once at startup; a bad file stops the service with the rule and field named."""

from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import ValidationError

from continuum_intake.triage import TriageRules


class TriageRulesError(ValueError):
    """The rules file cannot be used; the message names the file, the rule and the field."""


def _where(raw: object, loc: tuple) -> str:
    """``rule 'weapon' (rules[2]) field when.channels[0]`` for a pydantic error location."""
    if len(loc) < 2 or loc[0] != "rules" or not isinstance(loc[1], int):
        return "file" if not loc else f"field {'.'.join(map(str, loc))}"
    rules = raw.get("rules") if isinstance(raw, dict) else None
    entry = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
    rule_id = entry.get("id") if isinstance(entry, dict) else None
    rule = f"rule {rule_id!r} (rules[{loc[1]}])" if rule_id else f"rules[{loc[1]}]"
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[2:]).lstrip(".")
    return f"{rule} field {path}" if path else rule


def parse_rules(text: str, origin: str = "triage rules") -> TriageRules:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TriageRulesError(f"{origin}: not valid YAML: {exc}") from None
    try:
        return TriageRules.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(raw, tuple(error['loc']))}: {error['msg']}" for error in exc.errors()]
        raise TriageRulesError(f"{origin}: " + "; ".join(problems)) from None


def load_rules(path: Path | None) -> TriageRules:
    """The county's rules at ``path``, or the packaged default rules when it is None."""
    if path is None:
        resource = files("continuum_intake").joinpath("triage_rules.yaml")
        return parse_rules(resource.read_text(encoding="utf-8"), "packaged triage_rules.yaml")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TriageRulesError(f"{path}: cannot read the triage rules file ({exc.strerror})") from None
    return parse_rules(text, str(path))
