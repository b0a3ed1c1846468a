"""Handoff's use cases: request warm handoffs, send referrals, and let the addressed partner accept and complete."""

from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import (
    HandoffAcceptedV1,
    HandoffCompletedV1,
    HandoffRequestedV1,
    PlacementReservedV1,
    ReferralSentV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from continuum_kit.consumer import Handler
from continuum_kit.delivery import UnitOfWork
from sqlmodel import select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import accept_needed, complete_needed, referrals_for
from continuum_handoff.store import Handoff, Referral


class HandoffNotFound(LookupError):
    pass


def request_warm_handoff(uow: UnitOfWork, envelope: Envelope) -> None:
    """A reserved place: hand the person over warmly from the responder to the place."""
    reserved = envelope.data
    assert isinstance(reserved, PlacementReservedV1)
    now = uow.clock.now()
    handoff = Handoff(
        episode_id=envelope.episode_id,
        from_party=reserved.responder_id,
        to_party=reserved.place_id,
        warm=True,
        status=TaskStatus.REQUESTED,
        requested_at=now,
        updated_at=now,
    )
    uow.session.add(handoff)
    uow.session.flush()
    uow.emit(
        HandoffRequestedV1(
            handoff_id=handoff.handoff_id, from_party=handoff.from_party, to_party=handoff.to_party, warm=True
        ),
        episode_id=envelope.episode_id,
    )


def _already_referred(uow: UnitOfWork, episode_id: UUID, kind: ReferralKind, to_party: str) -> bool:
    query = select(Referral).where(
        Referral.episode_id == episode_id, Referral.kind == kind, Referral.to_party == to_party
    )
    return uow.session.exec(query).first() is not None


def send_referrals(uow: UnitOfWork, envelope: Envelope, housing_partner_id: str) -> None:
    """A resolved response with needs: refer once per episode and kind (a person can be resolved twice)."""
    resolved = envelope.data
    assert isinstance(resolved, ResponseResolvedV1)
    partner_for = {ReferralKind.HOUSING_COORDINATED_ENTRY: housing_partner_id}
    for kind in referrals_for(resolved.disposition, set(resolved.needs)):
        to_party = partner_for[kind]
        if _already_referred(uow, envelope.episode_id, kind, to_party):
            continue
        referral = Referral(
            episode_id=envelope.episode_id,
            kind=kind,
            to_party=to_party,
            status=TaskStatus.REQUESTED,
            sent_at=uow.clock.now(),
        )
        uow.session.add(referral)
        uow.session.flush()
        uow.emit(
            ReferralSentV1(referral_id=referral.referral_id, kind=kind, to_party=to_party),
            episode_id=envelope.episode_id,
        )


def _locked_handoff(uow: UnitOfWork, handoff_id: UUID) -> Handoff:
    # Locked so that two concurrent accepts emit one event (a no-op on SQLite, which serialises writers).
    handoff = uow.session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    return handoff


def accept_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str) -> Handoff:
    """The addressed partner accepts; accepting again changes nothing and emits nothing."""
    handoff = _locked_handoff(uow, handoff_id)
    if accept_needed(TaskStatus(handoff.status), handoff.to_party, partner_id):
        now = uow.clock.now()
        handoff.status, handoff.accepted_at, handoff.updated_at = TaskStatus.ACCEPTED, now, now
        uow.session.add(handoff)
        uow.emit(HandoffAcceptedV1(handoff_id=handoff_id, accepted_by=partner_id), episode_id=handoff.episode_id)
    return handoff


def complete_handoff(uow: UnitOfWork, handoff_id: UUID, partner_id: str) -> Handoff:
    """The addressed partner confirms the person arrived; only an accepted handoff can complete."""
    handoff = _locked_handoff(uow, handoff_id)
    if complete_needed(TaskStatus(handoff.status), handoff.to_party, partner_id):
        now = uow.clock.now()
        handoff.status, handoff.completed_at, handoff.updated_at = TaskStatus.COMPLETED, now, now
        uow.session.add(handoff)
        uow.emit(HandoffCompletedV1(handoff_id=handoff_id), episode_id=handoff.episode_id)
    return handoff


PUBLISHES = (
    "continuum.handoff.requested.v1",
    "continuum.handoff.accepted.v1",
    "continuum.handoff.completed.v1",
    "continuum.referral.sent.v1",
)


def build_handlers(settings: HandoffSettings) -> dict[str, Handler]:
    def on_resolved(uow: UnitOfWork, envelope: Envelope) -> None:
        send_referrals(uow, envelope, settings.housing_partner_id)

    return {
        "continuum.placement.reserved.v1": request_warm_handoff,
        "continuum.response.resolved.v1": on_resolved,
    }
