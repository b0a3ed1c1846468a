"""Triage rules: acuity, stage and the least-restrictive response, each decision with its reasons.

Pure functions, no I/O. "If the situation does not require law enforcement, then it should
not involve law enforcement" (NASMHPD): police only for violence in progress or a weapon.
"""

from dataclasses import dataclass, field

from continuum_contracts.vocabulary import Acuity, Channel, Need, ResponseType, SafetyFlag, Stage

WARMLINE_CHANNELS = {Channel.WARMLINE_CALL, Channel.WARMLINE_CHAT, Channel.WARMLINE_TEXT}


@dataclass(frozen=True)
class TriageDecision:
    stage: Stage
    acuity: Acuity
    recommended_response: ResponseType
    police_required: bool
    reasons: list[str] = field(default_factory=list)


def triage(
    channel: Channel, safety_flags: set[SafetyFlag], needs: set[Need], reported_stage: Stage | None
) -> TriageDecision:
    stage = reported_stage or (Stage.SUB_ACUTE if channel in WARMLINE_CHANNELS else Stage.ACUTE)
    if SafetyFlag.MEDICAL_EMERGENCY in safety_flags:
        return TriageDecision(Stage.ACUTE, Acuity.EMERGENT, ResponseType.EMS, False, ["medical_emergency"])
    violent = sorted(flag.value for flag in safety_flags & {SafetyFlag.VIOLENCE_IN_PROGRESS, SafetyFlag.WEAPON})
    if violent:
        return TriageDecision(Stage.ACUTE, Acuity.EMERGENT, ResponseType.POLICE, True, violent)
    if SafetyFlag.IMMINENT_RISK_WITH_MEANS in safety_flags:
        return TriageDecision(
            Stage.ACUTE, Acuity.EMERGENT, ResponseType.CO_RESPONSE, True, ["imminent_risk_with_means"]
        )
    if channel in WARMLINE_CHANNELS and stage in (Stage.PRE_CRISIS, Stage.SUB_ACUTE):
        return TriageDecision(
            stage, Acuity.ROUTINE, ResponseType.PEER_SUPPORT, False, ["warmline_contact", "no_safety_flags"]
        )
    reasons = ["no_safety_flags"] + (["stabilization_needed"] if Need.STABILIZATION in needs else [])
    return TriageDecision(
        Stage.ACUTE if stage in (Stage.PRE_CRISIS, Stage.SUB_ACUTE) else stage,
        Acuity.URGENT,
        ResponseType.MOBILE_TEAM,
        False,
        reasons,
    )
