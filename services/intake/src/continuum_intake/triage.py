"""Triage as data: a county's ordered rules and the pure function that picks the first that matches.

The default rules (``triage_rules.yaml``) encode the least-restrictive response: "if the situation
does not require law enforcement, then it should not involve law enforcement" (NASMHPD). A crisis plan's
peer preference then marks the decision for dispatch. Pure, no I/O.
"""

from dataclasses import dataclass, field

from continuum_contracts.events import CrisisPreferences
from continuum_contracts.vocabulary import Acuity, Channel, Need, ResponseType, SafetyFlag, Stage
from pydantic import BaseModel, ConfigDict, Field, model_validator

from continuum_intake.config import Code

WARMLINE_CHANNELS = frozenset({Channel.WARMLINE_CALL, Channel.WARMLINE_CHAT, Channel.WARMLINE_TEXT})


class When(BaseModel):
    """A rule's conditions: every listed condition must hold; an empty list does not constrain."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    any_safety_flags: list[SafetyFlag] = []
    no_safety_flags: bool = Field(default=False, description="true: only contacts without any safety flag")
    channels: list[Channel] = []
    stages: list[Stage] = []
    needs_any: list[Need] = []

    def matches_everything(self) -> bool:
        return not (self.any_safety_flags or self.no_safety_flags or self.channels or self.stages or self.needs_any)


class Then(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    response: ResponseType
    acuity: Acuity
    police_required: bool
    stage: Stage | None = Field(default=None, description="unset: the stage the contact was assessed at")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Code
    when: When = When()
    then: Then


class TriageRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique_and_last_catches_all(self) -> "TriageRules":
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        if not self.rules[-1].when.matches_everything():
            raise ValueError(
                f"the last rule ({self.rules[-1].id!r}) must have an empty 'when', so every contact matches"
            )
        return self


@dataclass(frozen=True)
class Situation:
    """What triage looks at: codes only."""

    channel: Channel
    safety_flags: frozenset[SafetyFlag]
    needs: frozenset[Need]
    reported_stage: Stage | None = None

    @property
    def assessed_stage(self) -> Stage:
        """The stage a contact is taken at before any rule: a warmline caller is sub-acute unless told otherwise."""
        if self.reported_stage is not None:
            return self.reported_stage
        return Stage.SUB_ACUTE if self.channel in WARMLINE_CHANNELS else Stage.ACUTE


@dataclass(frozen=True)
class TriageDecision:
    stage: Stage
    acuity: Acuity
    recommended_response: ResponseType
    police_required: bool
    reasons: list[str] = field(default_factory=list)


def _matched(when: When, situation: Situation) -> list[str] | None:
    """The flags and needs that made ``when`` hold, or None if it does not."""
    flags = sorted(flag.value for flag in situation.safety_flags & set(when.any_safety_flags))
    needs = sorted(need.value for need in situation.needs & set(when.needs_any))
    holds = (
        (not when.any_safety_flags or flags)
        and (not when.no_safety_flags or not situation.safety_flags)
        and (not when.channels or situation.channel in when.channels)
        and (not when.stages or situation.assessed_stage in when.stages)
        and (not when.needs_any or needs)
    )
    return flags + needs if holds else None


def triage(rules: TriageRules, situation: Situation) -> TriageDecision:
    """The first rule that matches decides; its id and the flags and needs it matched are the reasons."""
    for rule in rules.rules:
        matched = _matched(rule.when, situation)
        if matched is None:
            continue
        return TriageDecision(
            stage=rule.then.stage or situation.assessed_stage,
            acuity=rule.then.acuity,
            recommended_response=rule.then.response,
            police_required=rule.then.police_required,
            reasons=[rule.id, *(code for code in matched if code != rule.id)],
        )
    raise AssertionError("validated rules end with a rule that matches everything")


def with_preferences(decision: TriageDecision, preferences: CrisisPreferences | None) -> TriageDecision:
    """A crisis plan asking for a peer makes a mobile-team recommendation say so, for dispatch to honour."""
    if preferences is None or not preferences.peer_preferred:
        return decision
    if decision.recommended_response is not ResponseType.MOBILE_TEAM:
        return decision
    return TriageDecision(
        stage=decision.stage,
        acuity=decision.acuity,
        recommended_response=decision.recommended_response,
        police_required=decision.police_required,
        reasons=[*decision.reasons, "peer_preferred"],
    )
