"""A supervisor resolves a handoff's escalation on the board (``EscalationResolvedV1``): a partner that never
accepted, or accepted and went silent, leaves a person between two owners, and only a human can settle it.

- ``cancelled``: the handoff will not happen; it is cancelled (``handoff.cancelled``, ``cancelled_by_supervisor``),
  so the sender finds another way and the episode may close.
- any other code (``handled``, the default: the supervisor reached the partner): the handoff stays open with a new
  window from now, and escalates again if the partner still has not moved it by then. Nothing stays open silently.

A resolution is applied only while the handoff is still where its escalation found it (waiting for acceptance, or
for completion); one that comes after the partner moved it, or naming no escalation of ours, changes nothing.
"""

import logging

from continuum_contracts import Envelope
from continuum_contracts.events import EscalationResolvedV1
from continuum_contracts.vocabulary import EscalationKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, or_, select

from continuum_handoff.acceptance_window import accept_by
from continuum_handoff.completion_window import complete_by
from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import AWAITING_ACCEPTANCE, AWAITING_COMPLETION
from continuum_handoff.store import Handoff
from continuum_handoff.warm_handoffs import cancel_handoffs

log = logging.getLogger(__name__)
HANDOFF_ESCALATIONS = (EscalationKind.HANDOFF_NOT_ACCEPTED, EscalationKind.HANDOFF_STALLED)
CANCELLED = "cancelled"  # the board's resolution code that cancels the handoff
CANCELLED_BY_SUPERVISOR = "cancelled_by_supervisor"


def on_handoff_escalation_resolved(
    uow: UnitOfWork, envelope: Envelope[EscalationResolvedV1], settings: HandoffSettings
) -> None:
    """Cancel the escalated handoff, or give it a new window; a referral's escalation is referral_resolution's."""
    resolved = envelope.data
    if resolved.kind not in HANDOFF_ESCALATIONS:
        return
    escalation = resolved.escalation_id
    query = select(Handoff).where(
        or_(col(Handoff.escalation_id) == escalation, col(Handoff.stall_escalation_id) == escalation)
    )
    handoff = uow.session.exec(query.with_for_update()).first()
    if handoff is None:
        log.info("escalation %s: no handoff of ours escalated with it", escalation)
        return
    status = TaskStatus(handoff.status)
    stalled = handoff.stall_escalation_id == escalation
    if status not in (AWAITING_COMPLETION if stalled else AWAITING_ACCEPTANCE):
        log.info("escalation %s: handoff %s is %s now; nothing to apply", escalation, handoff.handoff_id, status)
        return
    if resolved.resolution == CANCELLED:
        cancel_handoffs(uow, [handoff], CANCELLED_BY_SUPERVISOR)
        return
    now = uow.clock.now()
    if stalled:
        handoff.complete_by, handoff.stalled_at = complete_by(now, settings.complete_within_minutes), None
    else:
        handoff.accept_by, handoff.escalated_at = accept_by(now, settings.accept_within_minutes), None
    handoff.updated_at = now
    uow.session.add(handoff)
