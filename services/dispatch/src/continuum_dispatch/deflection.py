"""Law-enforcement deflection: which 911 and 311 calls count, whether police were deflected, and the tallies.

Pure, no I/O. A call counts when the county lists its call type as one a crisis team can answer
(a 311 request without a call type counts too); it is deflected when it needs no police and a team went.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from continuum_contracts.vocabulary import Channel, SafetyFlag

DEFLECTION_CHANNELS = frozenset({Channel.TRANSFER_911, Channel.REQUEST_311})
DEFLECTED = "eligible_call_type_no_safety_risk"
NO_RESPONDER = "no_responder_available"
# The most serious flag names why police were needed, whatever order triage listed them in.
SAFETY_ORDER = (
    SafetyFlag.VIOLENCE_IN_PROGRESS,
    SafetyFlag.WEAPON,
    SafetyFlag.IMMINENT_RISK_WITH_MEANS,
    SafetyFlag.MEDICAL_EMERGENCY,
)
FIXED_GROUPS = ("program", "call_type", "channel")


@dataclass(frozen=True)
class Outcome:
    deflected: bool
    reason: str


@dataclass(frozen=True)
class Count:
    eligible: int = 0
    deflected: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.deflected / self.eligible, 4) if self.eligible else None

    def add(self, deflected: bool) -> "Count":
        return Count(self.eligible + 1, self.deflected + int(deflected))


def eligible(channel: Channel, call_type: str | None, eligible_types: Iterable[str]) -> bool:
    if channel not in DEFLECTION_CHANNELS:
        return False
    if call_type is None:
        return channel == Channel.REQUEST_311  # a 311 request is non-emergency by definition
    return call_type.upper() in {t.upper() for t in eligible_types}


def police_reason(safety_flags: Iterable[SafetyFlag], reasons: Sequence[str]) -> str:
    """``police_required:<why>``: the most serious safety flag, else triage's first reason code."""
    flags = set(safety_flags)
    why = next((flag.value for flag in SAFETY_ORDER if flag in flags), None) or next(iter(reasons), "unspecified")
    return f"police_required:{why}"[:64]


def outcome(police_required: bool, safety_flags: Iterable[SafetyFlag], reasons: Sequence[str], sent: bool) -> Outcome:
    """Police were deflected only if they were not needed and a crisis responder actually went instead."""
    if police_required:
        return Outcome(False, police_reason(safety_flags, reasons))
    if not sent:
        return Outcome(False, NO_RESPONDER)
    return Outcome(True, DEFLECTED)


def kept_demographics(demographics: Mapping[str, str], fields: Iterable[str]) -> dict[str, str]:
    """Only the codes the county chose to report on are kept: less stored, less to re-identify."""
    allowed = set(fields)
    return {key: value for key, value in sorted(demographics.items()) if key in allowed}


def tally(
    calls: Iterable[tuple[Mapping[str, str | None], bool]], by: Sequence[str]
) -> tuple[Count, dict[tuple[str | None, ...], Count]]:
    """The total and one count per combination of the ``by`` attributes (a missing one groups as None)."""
    total, groups = Count(), {}
    for attributes, deflected in calls:
        key = tuple(attributes.get(name) for name in by)
        total = total.add(deflected)
        groups[key] = groups.get(key, Count()).add(deflected)
    return total, groups
