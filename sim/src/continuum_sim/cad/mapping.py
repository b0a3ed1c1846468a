"""The county mapping file (YAML): the CSV's columns, the city's call types as Continuum's, and the rules.

The rules have the shape of intake's triage rules (``services/intake/.../triage_rules.yaml``): ordered, the
first whose ``when`` holds decides, the last has an empty ``when``. Intake's triage decides on a contact's
safety flags and needs, which a calls-for-service export does not have, and the simulator never imports a
service; so a call's rules live here and look at what the export has: the call type (as one of Continuum's),
the priority and the disposition.
"""

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import ResponseType
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]
Column = Annotated[str, StringConstraints(min_length=1, max_length=200)]

# Intake's call types (services/intake/src/continuum_intake/config.py DEFAULT_CALL_TYPES; a test keeps them equal).
CONTINUUM_CALL_TYPES = (
    "WELFARE_CHECK",
    "MENTAL_HEALTH",
    "SUICIDE_THREAT",
    "DISTURBANCE",
    "INTOXICATED_PERSON",
    "TRESPASS",
    "WEAPON",
    "ASSAULT",
    "MEDICAL",
    "HOMELESS_CONCERN",
    "NOISE",
)


class Refused(Exception):
    """Input the tool will not analyse; the message is one line, names what is wrong and never a row's value."""


class Response(StrEnum):
    """Intake's response types, and 988: a call a crisis line counselor can take on the phone."""

    PEER_SUPPORT = ResponseType.PEER_SUPPORT.value
    MOBILE_TEAM = ResponseType.MOBILE_TEAM.value
    CO_RESPONSE = ResponseType.CO_RESPONSE.value
    POLICE = ResponseType.POLICE.value
    EMS = ResponseType.EMS.value
    CRISIS_LINE = "crisis_line"


# The alternatives to police: a peer, a mobile crisis team, 988 (a crisis line counselor on the phone).
ALTERNATIVES = frozenset({Response.PEER_SUPPORT, Response.MOBILE_TEAM, Response.CRISIS_LINE})


class Columns(BaseModel):
    """The CSV's column for each common field of a calls-for-service export; unset: the export has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    call_type: Column = Field(description="the call type code (signal, nature code)")
    description: Column | None = Field(default=None, description="the call type's text, for description patterns")
    priority: Column | None = None
    received: Column = Field(description="when the call was created (received, queued)")
    dispatched: Column | None = None
    arrived: Column | None = Field(default=None, description="when the first unit arrived on scene")
    cleared: Column | None = Field(default=None, description="when the call was cleared or closed")
    disposition: Column | None = None
    district: Column | None = Field(default=None, description="district, precinct or beat")

    def mapped(self) -> dict[str, str]:
        """Common field -> CSV column, for the fields the export has."""
        return {name: column for name, column in self.model_dump().items() if column is not None}


class CallTypeMatch(BaseModel):
    """The city's call types that are one of Continuum's: by code (exact) or description (a regex, any case)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    codes: list[Column] = []
    descriptions: list[str] = []

    @field_validator("descriptions")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"description pattern {pattern!r} is not a regular expression: {error}") from None
        return patterns


class When(BaseModel):
    """Every listed condition must hold; an empty list does not constrain. A listed priority matches the CSV's
    priority exactly or as its beginning ("1" matches "1A"); dispositions match exactly."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    call_types: list[Code] = []
    priorities: list[Column] = []
    dispositions: list[Column] = []

    def matches_everything(self) -> bool:
        return not (self.call_types or self.priorities or self.dispositions)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Code
    when: When = When()
    then: Response


class CountyMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=200)
    columns: Columns
    ignored: list[Column] = Field(default=[], description="columns of the export the analysis does not read")
    time_format: str | None = Field(default=None, description="strptime format; unset: ISO 8601")
    police_time: Literal["dispatch_to_clear", "on_scene"] = Field(
        default="dispatch_to_clear", description="dispatched -> cleared, or arrived -> cleared (time on scene)"
    )
    call_types: dict[Code, CallTypeMatch] = Field(description="Continuum call type -> the city's call types")
    priorities: dict[Column, Annotated[int, Field(ge=1, le=5)]] = Field(
        default={},
        description="for replay: the city's priority (exactly or its beginning) -> Continuum's, 1 highest to 5; "
        "a priority not listed is sent without one",
    )
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "CountyMapping":
        unknown = sorted(set(self.call_types) - set(CONTINUUM_CALL_TYPES))
        if unknown:
            raise ValueError(f"call types not in Continuum's vocabulary: {', '.join(unknown)}")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            if missing := sorted(set(rule.when.call_types) - set(self.call_types)):
                raise ValueError(f"rule {rule.id!r}: call types not mapped under call_types: {', '.join(missing)}")
            if rule.when.priorities and self.columns.priority is None:
                raise ValueError(f"rule {rule.id!r} looks at priorities but columns.priority is not set")
            if rule.when.dispositions and self.columns.disposition is None:
                raise ValueError(f"rule {rule.id!r} looks at dispositions but columns.disposition is not set")
        if not self.rules[-1].when.matches_everything():
            raise ValueError(f"the last rule ({self.rules[-1].id!r}) must have an empty 'when', so every call matches")
        start = "arrived" if self.police_time == "on_scene" else "dispatched"
        if getattr(self.columns, start) is None or self.columns.cleared is None:
            raise ValueError(f"police_time {self.police_time} needs columns.{start} and columns.cleared")
        if overlap := sorted(set(self.ignored) & set(self.columns.mapped().values())):
            raise ValueError(f"columns both mapped and ignored: {', '.join(overlap)}")
        return self


def load_mapping(path: Path) -> CountyMapping:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise Refused(f"cannot read the mapping {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise Refused(f"the mapping {path} is not YAML: {str(error).splitlines()[0]}") from None
    try:
        return CountyMapping.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise Refused(f"the mapping {path} is refused: {where}: {first['msg']}{more}") from None
