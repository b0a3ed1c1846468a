"""A supervisor resolves an escalated referral: reassign it to another partner, close it, or keep it open until
a review. The same use case serves handoff's supervisor API and the board's EscalationResolvedV1."""

import logging
from datetime import timedelta
from uuid import UUID, uuid4

from continuum_contracts import Envelope
from continuum_contracts.events import EscalationResolvedV1, ReferralClosedV1, ReferralKeptOpenV1
from continuum_contracts.vocabulary import EscalationKind, ReferralKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import StatusConflict
from continuum_handoff.partner_referrals import ReferralNotFound, open_referral
from continuum_handoff.resolution_rules import REASSIGNED, Decision, Resolution, SamePartner, resolution_needed
from continuum_handoff.store import Referral

log = logging.getLogger(__name__)
# The board's resolution names no reason; these codes say where the decision was taken.
CLOSED_ON_BOARD = "closed_by_supervisor"
KEPT_OPEN_ON_BOARD = "kept_open_by_supervisor"


def close_referral(uow: UnitOfWork, referral: Referral, reason: str, by: str | None = None) -> None:
    """End a referral without a result: no more reminders or escalations; the event says why and who."""
    referral.status, referral.closed_at, referral.close_reason = TaskStatus.CANCELLED, uow.clock.now(), reason
    referral.next_reminder_at = referral.escalate_at = None
    referral.updated_at = referral.closed_at
    uow.session.add(referral)
    uow.emit(
        ReferralClosedV1(
            referral_id=referral.referral_id,
            reason=reason,
            status=TaskStatus.CANCELLED,
            replaced_by=referral.replaced_by,
            closed_by=by,
        ),
        episode_id=referral.episode_id,
    )


def _reassign(uow: UnitOfWork, referral: Referral, decision: Decision, settings: HandoffSettings) -> None:
    """The old referral ends (replaced_by the new one), then the new one goes to the other partner."""
    assert decision.to_party is not None
    referral.replaced_by = uuid4()
    close_referral(uow, referral, REASSIGNED, decision.by)
    open_referral(
        uow,
        referral.episode_id,
        ReferralKind(referral.kind),
        decision.to_party,
        settings,
        living_situation=referral.living_situation,
        replaces=referral.referral_id,
        referral_id=referral.replaced_by,
    )


def _keep_open(uow: UnitOfWork, referral: Referral, decision: Decision) -> None:
    assert decision.review_at is not None and decision.reason is not None
    referral.review_at = referral.escalate_at = decision.review_at
    uow.session.add(referral)
    uow.emit(
        ReferralKeptOpenV1(
            referral_id=referral.referral_id, kept_by=decision.by, reason=decision.reason, review_at=decision.review_at
        ),
        episode_id=referral.episode_id,
    )


def apply_decision(uow: UnitOfWork, referral: Referral, decision: Decision, settings: HandoffSettings) -> Referral:
    """Apply a supervisor's decision to a locked referral; a repeat changes nothing."""
    if not resolution_needed(referral, decision):
        return referral
    referral.resolution, referral.resolved_by = decision.resolution, decision.by
    if decision.resolution is Resolution.REASSIGNED:
        _reassign(uow, referral, decision, settings)
    elif decision.resolution is Resolution.CLOSED:
        close_referral(uow, referral, decision.reason or CLOSED_ON_BOARD, decision.by)
    else:
        _keep_open(uow, referral, decision)
    return referral


def resolve_referral(uow: UnitOfWork, referral_id: UUID, decision: Decision, settings: HandoffSettings) -> Referral:
    """A supervisor's resolution through handoff's API."""
    referral = uow.session.get(Referral, referral_id, with_for_update=True)
    if referral is None:
        raise ReferralNotFound(referral_id)
    return apply_decision(uow, referral, decision, settings)


def _board_decision(
    resolved: EscalationResolvedV1, referral: Referral, uow: UnitOfWork, settings: HandoffSettings
) -> Decision | None:
    """The board's resolution as a decision; it names no reason or review time, so handoff's defaults stand in
    (a referral already kept open keeps its review time, so that the board repeating itself changes nothing)."""
    try:
        resolution = Resolution(resolved.resolution)
    except ValueError:
        return None
    if resolution is Resolution.REASSIGNED:
        return Decision(resolution, resolved.by, to_party=resolved.to_party) if resolved.to_party else None
    if resolution is Resolution.CLOSED:
        return Decision(resolution, resolved.by, reason=CLOSED_ON_BOARD)
    review_at = uow.clock.now() + timedelta(hours=settings.referral_review_after_hours)
    if referral.resolution == Resolution.KEPT_OPEN:
        review_at = referral.review_at or review_at
    return Decision(resolution, resolved.by, reason=KEPT_OPEN_ON_BOARD, review_at=review_at)


def on_escalation_resolved(
    uow: UnitOfWork, envelope: Envelope[EscalationResolvedV1], settings: HandoffSettings
) -> None:
    """The board resolved a referral_unanswered escalation: apply it as if through the API; a decision that
    cannot apply (unknown escalation, a result already, the same partner) is logged and changes nothing."""
    resolved = envelope.data
    if resolved.kind is not EscalationKind.REFERRAL_UNANSWERED:
        return
    query = select(Referral).where(Referral.escalation_id == resolved.escalation_id).with_for_update()
    referral = uow.session.exec(query).first()
    decision = _board_decision(resolved, referral, uow, settings) if referral is not None else None
    if referral is None or decision is None:
        log.info("escalation %s: resolution %s not applicable", resolved.escalation_id, resolved.resolution)
        return
    try:
        apply_decision(uow, referral, decision, settings)
    except (StatusConflict, SamePartner) as refused:
        log.info("escalation %s not applied: %s", resolved.escalation_id, type(refused).__name__)
