"""At an episode's closure no obligation of handoff's is left silently open: an open handoff is cancelled, and
an open referral is cancelled (the person declined further contact) or handed on to a named owner."""

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1, ReferralHandedOnV1
from continuum_contracts.vocabulary import TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import col, select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.referral_resolution import close_referral
from continuum_handoff.resolution_rules import EPISODE_CLOSED, closure_cancels, owner_after_closure
from continuum_handoff.store import Referral
from continuum_handoff.warm_handoffs import on_episode_closed as cancel_open_handoffs


def _hand_on(uow: UnitOfWork, referral: Referral, settings: HandoffSettings) -> None:
    # Its timers go on: a partner owner is still reminded and escalates; an escalated one stays on the board.
    referral.owner = owner_after_closure(referral, settings.referral_owner_after_closure)
    referral.handed_on_at = uow.clock.now()
    uow.session.add(referral)
    uow.emit(
        ReferralHandedOnV1(referral_id=referral.referral_id, owner=referral.owner, reason=EPISODE_CLOSED),
        episode_id=referral.episode_id,
    )


def on_episode_closed(uow: UnitOfWork, envelope: Envelope[EpisodeClosedV1], settings: HandoffSettings) -> None:
    """Cancel the open handoffs; cancel or hand on each open referral, once (a second closure finds none)."""
    cancel_open_handoffs(uow, envelope)
    query = select(Referral).where(
        Referral.episode_id == envelope.episode_id,
        Referral.status == TaskStatus.REQUESTED,
        col(Referral.handed_on_at).is_(None),
    )
    reason = envelope.data.reason
    for referral in uow.session.exec(query.order_by(col(Referral.sent_at)).with_for_update()).all():
        if closure_cancels(reason):
            close_referral(uow, referral, reason)
        else:
            _hand_on(uow, referral, settings)
