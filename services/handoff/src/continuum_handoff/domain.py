"""Handoff rules: the FHIR Task.status moves a partner may make, and which needs become referrals.

Pure functions, no I/O. Only the party a handoff or referral is addressed to may move it;
repeating a move already made is harmless, so partners can safely retry.
"""

from dataclasses import dataclass
from enum import StrEnum

from continuum_contracts.vocabulary import Disposition, Need, ReferralKind, TaskStatus

REFERRAL_FOR_NEED = {Need.HOUSING: ReferralKind.HOUSING_COORDINATED_ENTRY}
PRE_ARREST_DIVERSION = "pre_arrest_diversion"
POLICE = "police"
AWAITING_ACCEPTANCE = (TaskStatus.REQUESTED, TaskStatus.RECEIVED)
AWAITING_COMPLETION = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
# A handoff that has not ended yet; cancelled when its episode closes or its bed is released.
CANCELLABLE = (*AWAITING_ACCEPTANCE, *AWAITING_COMPLETION)
EPISODE_CLOSED = "episode_closed"
PLACEMENT_RELEASED = "placement_released"

# HUD HMIS (FY2026 data standards) codes, kept readable; the partner's HMIS maps them to its numbered values.
# 4.20 Coordinated Entry Event: the crisis system refers the person to a housing resource; the partner
# picks the specific project opening (event values 10-18) and reports the 4.20 referral result and date.
HMIS_REFERRAL_TO_HOUSING_RESOURCE = "referral_to_housing_resource"
# 4.12 Current Living Situation: a housing need defaults to "place not meant for habitation" (value 116)
# until someone records better (settable later, when the person's situation is known).
HMIS_PLACE_NOT_MEANT_FOR_HABITATION = "place_not_meant_for_habitation"


class DeclineReason(StrEnum):
    """Why a receiving partner declined a warm handoff, as codes (never free text)."""

    NO_CAPACITY = "no_capacity"
    OUTSIDE_CRITERIA = "outside_criteria"
    SAFETY_CONCERN = "safety_concern"
    PERSON_DECLINED = "person_declined"
    OTHER = "other"


class ReferralResult(StrEnum):
    """HMIS 4.20 referral result, as readable codes."""

    CLIENT_ACCEPTED = "successful_referral_client_accepted"
    CLIENT_REJECTED = "unsuccessful_referral_client_rejected"
    PROVIDER_REJECTED = "unsuccessful_referral_provider_rejected"


class NotAddressed(Exception):
    """A partner tried to move a handoff or referral addressed to someone else."""

    def __init__(self, to_party: str) -> None:
        super().__init__(f"it is addressed to {to_party}")
        self.to_party = to_party


class StatusConflict(Exception):
    """The current status does not allow the move."""

    def __init__(self, message: str, current_status: TaskStatus) -> None:
        super().__init__(message)
        self.message = message
        self.current_status = current_status


@dataclass(frozen=True)
class Move:
    """A partner's move of a handoff: the statuses it may start from and the status it reaches."""

    verb: str
    sources: frozenset[TaskStatus]
    target: TaskStatus


RECEIVE = Move("received", frozenset({TaskStatus.REQUESTED}), TaskStatus.RECEIVED)
ACCEPT = Move("accepted", frozenset(AWAITING_ACCEPTANCE), TaskStatus.ACCEPTED)
START = Move("started", frozenset({TaskStatus.ACCEPTED}), TaskStatus.IN_PROGRESS)
COMPLETE = Move("completed", frozenset({TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}), TaskStatus.COMPLETED)
DECLINE = Move("declined", frozenset(AWAITING_ACCEPTANCE), TaskStatus.REJECTED)
NEEDS_ACCEPTANCE = {START, COMPLETE}


def require_addressee(to_party: str, partner_id: str) -> None:
    if partner_id != to_party:
        raise NotAddressed(to_party)


def move_needed(move: Move, status: TaskStatus, to_party: str, partner_id: str) -> bool:
    """True if the move changes the handoff; False if it already happened (a harmless repeat)."""
    require_addressee(to_party, partner_id)
    if status is move.target:
        return False
    if status in move.sources:
        return True
    if move in NEEDS_ACCEPTANCE and status in AWAITING_ACCEPTANCE:
        raise StatusConflict("accept first", status)
    raise StatusConflict(f"the handoff is {status}; it can no longer be {move.verb}", status)


def placement_handoff_kind(place_type: str) -> str:
    """A mobile team handing over to a place: e.g. team_to_stabilization_unit, team_to_peer_respite."""
    return f"team_to_{place_type}"


def diversion_from_party(program: str | None) -> str:
    """The officer's agency: the triage's program when known (the contracts carry no officer identity)."""
    return program or POLICE


def referrals_for(disposition: Disposition, needs: set[Need]) -> list[ReferralKind]:
    """The referrals a resolved response calls for; none when the person declined services."""
    if disposition is Disposition.DECLINED_SERVICES:
        return []
    return sorted({REFERRAL_FOR_NEED[need] for need in needs if need in REFERRAL_FOR_NEED})


def living_situation_for(needs: set[Need]) -> str | None:
    return HMIS_PLACE_NOT_MEANT_FOR_HABITATION if Need.HOUSING in needs else None


def result_status(result: ReferralResult) -> TaskStatus:
    return TaskStatus.COMPLETED if result is ReferralResult.CLIENT_ACCEPTED else TaskStatus.REJECTED


def result_needed(current: str | None, result: ReferralResult, status: TaskStatus) -> bool:
    """True if the result closes the referral; False for the same result again; a different one conflicts.

    A referral that ended without a result (closed, reassigned, cancelled at closure) takes none any more."""
    if current is None and status is TaskStatus.CANCELLED:
        raise StatusConflict("the referral was closed; it takes no result", status)
    if current is None:
        return True
    if current == result:
        return False
    raise StatusConflict(f"the referral already has the result {current}", status)
