"""Referrals: send them for a resolved response's needs (or to the partner a supervisor reassigns one to), and
record the partner's result."""

from datetime import datetime
from uuid import UUID, uuid4

from continuum_contracts import Envelope
from continuum_contracts.events import ReferralResultRecordedV1, ReferralSentV1, ResponseResolvedV1
from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from continuum_kit.delivery import UnitOfWork
from sqlmodel import select

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import (
    HMIS_REFERRAL_TO_HOUSING_RESOURCE,
    ReferralResult,
    living_situation_for,
    referrals_for,
    require_addressee,
    result_needed,
    result_status,
)
from continuum_handoff.reminder_schedule import escalate_at, next_reminder_at
from continuum_handoff.store import Referral

HMIS_EVENT_FOR_KIND = {ReferralKind.HOUSING_COORDINATED_ENTRY: HMIS_REFERRAL_TO_HOUSING_RESOURCE}


class ReferralNotFound(LookupError):
    pass


def _already_referred(uow: UnitOfWork, episode_id: UUID, kind: ReferralKind, to_party: str) -> bool:
    query = select(Referral).where(
        Referral.episode_id == episode_id, Referral.kind == kind, Referral.to_party == to_party
    )
    return uow.session.exec(query).first() is not None


def open_referral(
    uow: UnitOfWork,
    episode_id: UUID,
    kind: ReferralKind,
    to_party: str,
    settings: HandoffSettings,
    *,
    living_situation: str | None,
    replaces: UUID | None = None,
    referral_id: UUID | None = None,
) -> Referral:
    """Send a referral to a partner, with its own reminders and, when they all go unanswered, its escalation."""
    now = uow.clock.now()
    schedule = settings.referral_reminder_hours
    referral = Referral(
        referral_id=referral_id or uuid4(),
        episode_id=episode_id,
        kind=kind,
        to_party=to_party,
        status=TaskStatus.REQUESTED,
        sent_at=now,
        updated_at=now,
        hmis_event=HMIS_EVENT_FOR_KIND.get(kind),
        living_situation=living_situation,
        next_reminder_at=next_reminder_at(now, schedule, 0),
        escalate_at=escalate_at(now, schedule, settings.referral_escalate_after_hours),
        replaces=replaces,
    )
    uow.session.add(referral)
    uow.session.flush()
    uow.emit(
        ReferralSentV1(
            referral_id=referral.referral_id,
            kind=kind,
            to_party=to_party,
            replaces=replaces,
            hmis_event=referral.hmis_event,
            living_situation=referral.living_situation,
        ),
        episode_id=episode_id,
    )
    return referral


def send_referrals(uow: UnitOfWork, envelope: Envelope[ResponseResolvedV1], settings: HandoffSettings) -> None:
    """A resolved response with needs: refer once per episode and kind (a person can be resolved twice)."""
    resolved = envelope.data
    partner_for = {ReferralKind.HOUSING_COORDINATED_ENTRY: settings.housing_partner_id}
    needs = set(resolved.needs)
    for kind in referrals_for(resolved.disposition, needs):
        to_party = partner_for[kind]
        if _already_referred(uow, envelope.episode_id, kind, to_party):
            continue
        open_referral(uow, envelope.episode_id, kind, to_party, settings, living_situation=living_situation_for(needs))


def record_result(
    uow: UnitOfWork, referral_id: UUID, partner_id: str, result: ReferralResult, result_date: datetime
) -> Referral:
    """The addressed partner reports the result, which closes the referral; the same result again changes nothing."""
    referral = uow.session.get(Referral, referral_id, with_for_update=True)
    if referral is None:
        raise ReferralNotFound(referral_id)
    require_addressee(referral.to_party, partner_id)
    if not result_needed(referral.result, result, TaskStatus(referral.status)):
        return referral
    referral.result, referral.result_date = result, result_date
    referral.status, referral.next_reminder_at, referral.escalate_at = result_status(result), None, None
    referral.updated_at = uow.clock.now()
    uow.session.add(referral)
    uow.emit(
        ReferralResultRecordedV1(
            referral_id=referral_id, result=result, result_date=result_date, status=referral.status
        ),
        episode_id=referral.episode_id,
    )
    return referral
