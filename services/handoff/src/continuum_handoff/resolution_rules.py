"""The rules of an unanswered referral: when it needs a human, what a supervisor's resolution may do, and who
owns it when its episode closes.

Pure, no I/O; referral_escalation.py, referral_resolution.py and episode_closure.py apply them.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from continuum_contracts.vocabulary import ClosureReason, TaskStatus

from continuum_handoff.domain import StatusConflict

REMINDERS_UNANSWERED = "reminders_unanswered"
UNANSWERED_AT_REVIEW = "unanswered_at_review"
REASSIGNED = "reassigned"
EPISODE_CLOSED = "episode_closed"


class Resolution(StrEnum):
    """What a supervisor did with an escalated referral (the board's EscalationResolvedV1.resolution codes)."""

    REASSIGNED = "reassigned"
    CLOSED = "closed"
    KEPT_OPEN = "kept_open"


class Referral(Protocol):
    """What the rules read of a stored referral (store.Referral)."""

    to_party: str
    status: str
    result: str | None
    escalated_at: datetime | None
    resolution: str | None
    review_at: datetime | None


@dataclass(frozen=True)
class Decision:
    """A supervisor's resolution: reassign (to_party), close (reason), or keep open (reason, review_at)."""

    resolution: Resolution
    by: str
    to_party: str | None = None
    reason: str | None = None
    review_at: datetime | None = None


class SamePartner(Exception):
    """A referral cannot be reassigned to the partner that did not answer it."""

    def __init__(self, to_party: str) -> None:
        super().__init__(f"the referral is already addressed to {to_party}")
        self.to_party = to_party


def escalation_reason(referral: Referral) -> str:
    """The first escalation follows the reminders; a kept-open referral escalates again at its review."""
    return UNANSWERED_AT_REVIEW if referral.resolution == Resolution.KEPT_OPEN else REMINDERS_UNANSWERED


def awaits_a_human(referral: Referral) -> bool:
    """Escalated, still open, and no supervisor has resolved it since."""
    open_ = TaskStatus(referral.status) is TaskStatus.REQUESTED
    return open_ and referral.escalated_at is not None and referral.resolution is None


def resolution_needed(referral: Referral, decision: Decision) -> bool:
    """True if the decision changes the referral; False for a repeat or a referral already closed; a referral
    with a result, or one that has not escalated, conflicts; reassigning to its own partner is refused."""
    status = TaskStatus(referral.status)
    if referral.result is not None:
        raise StatusConflict(f"the referral already has the result {referral.result}", status)
    if status is TaskStatus.CANCELLED:
        return False
    if referral.escalated_at is None:
        raise StatusConflict("the referral has not escalated: its partner is still being reminded", status)
    if decision.resolution is Resolution.REASSIGNED and decision.to_party == referral.to_party:
        raise SamePartner(referral.to_party)
    kept = referral.resolution == Resolution.KEPT_OPEN and referral.review_at == decision.review_at
    return not (decision.resolution is Resolution.KEPT_OPEN and kept)


def closure_cancels(reason: ClosureReason) -> bool:
    """The person declined further contact: nobody may go on with the referral."""
    return reason is ClosureReason.DECLINED_FURTHER_CONTACT


def owner_after_closure(referral: Referral, county_owner: str) -> str:
    """The partner carries on a referral it has been given time for; the county's supervisor role carries on
    one that escalated and that no supervisor has resolved yet."""
    return county_owner if awaits_a_human(referral) else referral.to_party
