"""Handoff rules: who may move a handoff (a FHIR Task) to which status, and which needs become referrals.

Pure functions, no I/O. Only the party a handoff is addressed to may accept or complete it;
repeating a move already made is harmless, so partners can safely retry.
"""

from continuum_contracts.vocabulary import Disposition, Need, ReferralKind, TaskStatus

ACCEPTABLE = {TaskStatus.REQUESTED, TaskStatus.RECEIVED}
COMPLETABLE = {TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}
REFERRAL_FOR_NEED = {Need.HOUSING: ReferralKind.HOUSING_COORDINATED_ENTRY}


class NotAddressed(Exception):
    """A partner tried to move a handoff addressed to someone else."""

    def __init__(self, to_party: str) -> None:
        super().__init__(f"the handoff is addressed to {to_party}")
        self.to_party = to_party


class StatusConflict(Exception):
    """The handoff's current status does not allow the move."""

    def __init__(self, message: str, current_status: TaskStatus) -> None:
        super().__init__(message)
        self.message = message
        self.current_status = current_status


def _require_addressee(to_party: str, partner_id: str) -> None:
    if partner_id != to_party:
        raise NotAddressed(to_party)


def accept_needed(status: TaskStatus, to_party: str, partner_id: str) -> bool:
    """True if accepting moves the handoff; False if it is already accepted (a harmless repeat)."""
    _require_addressee(to_party, partner_id)
    if status is TaskStatus.ACCEPTED:
        return False
    if status not in ACCEPTABLE:
        raise StatusConflict(f"the handoff is {status}; it can no longer be accepted", status)
    return True


def complete_needed(status: TaskStatus, to_party: str, partner_id: str) -> bool:
    """True if completing moves the handoff; False if it is already completed (a harmless repeat)."""
    _require_addressee(to_party, partner_id)
    if status is TaskStatus.COMPLETED:
        return False
    if status in ACCEPTABLE:
        raise StatusConflict("accept first", status)
    if status not in COMPLETABLE:
        raise StatusConflict(f"the handoff is {status}; it can no longer be completed", status)
    return True


def referrals_for(disposition: Disposition, needs: set[Need]) -> list[ReferralKind]:
    """The referrals a resolved response calls for; none when the person declined services."""
    if disposition is Disposition.DECLINED_SERVICES:
        return []
    return sorted({REFERRAL_FOR_NEED[need] for need in needs if need in REFERRAL_FOR_NEED})
