"""A supervisor acknowledges or resolves an item of the queue: the item's new state, the audit row and the event
(``EscalationAcknowledgedV1`` / ``EscalationResolvedV1``, on the episode's key) commit in one transaction, and the
kit's relay publishes the event from the board's outbox.

A repeat is harmless (the same answer, no second event); a refusal changes nothing but the audit, which records every
attempt of a signed-in operator, refusals included.
"""

from dataclasses import dataclass

from continuum_contracts import events as ev
from continuum_contracts.vocabulary import EscalationKind as Kind
from continuum_kit.delivery import UnitOfWork

from continuum_board import queue
from continuum_board.store import AuditRow, EscalationRow

PUBLISHES = ("continuum.escalation.acknowledged.v1", "continuum.escalation.resolved.v1")  # all the board publishes
REFERRAL_RESOLUTIONS = ("reassigned", "closed", "kept_open")  # what the handoff service does with each


class UnknownItem(Exception):
    pass


class ItemConflict(Exception):
    def __init__(self, message: str, item: dict) -> None:
        super().__init__(message)
        self.item = item


class InvalidResolution(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Resolution:
    resolution: str
    to_party: str | None = None


def _audit(uow: UnitOfWork, by: str, action: str, escalation_id: str, outcome: str, **extra: str | None) -> None:
    uow.session.add(
        AuditRow(operator=by, action=action, escalation_id=escalation_id, outcome=outcome, at=uow.clock.now(), **extra)
    )


def _item(uow: UnitOfWork, escalation_id: str, by: str, action: str) -> EscalationRow:
    row = uow.session.get(EscalationRow, escalation_id, with_for_update=True)
    if row is None:
        _audit(uow, by, action, escalation_id, "not_found")
        uow.commit()
        raise UnknownItem(escalation_id)
    return row


def _refuse(uow: UnitOfWork, row: EscalationRow, by: str, action: str, message: str, **extra: str | None) -> None:
    current = queue.one(uow.session, row, uow.clock.now())
    _audit(uow, by, action, row.escalation_id, f"refused_{row.state}", **extra)
    uow.commit()
    raise ItemConflict(message, current)


def acknowledge(uow: UnitOfWork, escalation_id: str, by: str) -> dict:
    row = _item(uow, escalation_id, by, "acknowledge")
    now = uow.clock.now()
    if row.state == "resolved":
        _refuse(uow, row, by, "acknowledge", f"escalation {escalation_id} is already resolved")
    if row.state == "acknowledged":
        _audit(uow, by, "acknowledge", escalation_id, "repeat")
    else:
        row.state, row.acknowledged_by, row.acknowledged_at, row.updated_at = "acknowledged", by, now, now
        uow.session.add(row)
        sent = uow.emit(
            ev.EscalationAcknowledgedV1(escalation_id=escalation_id, kind=Kind(row.kind), by=by),
            episode_id=row.episode_id,
        )
        _audit(uow, by, "acknowledge", escalation_id, "acknowledged", event_id=sent.id)
    answer = queue.one(uow.session, row, now)
    uow.commit()
    return answer


def check(kind: str, asked: Resolution) -> None:
    """A referral is reassigned (to a named partner), closed or kept open; other kinds take any resolution code
    (a handoff's ``cancelled`` cancels it at the handoff service; any other keeps it open with a new window)."""
    if kind == Kind.REFERRAL_UNANSWERED:
        if asked.resolution not in REFERRAL_RESOLUTIONS:
            raise InvalidResolution("resolution", f"a referral is resolved {', '.join(REFERRAL_RESOLUTIONS)}")
        if (asked.resolution == "reassigned") != (asked.to_party is not None):
            raise InvalidResolution("to_party", "to_party names the new partner of a reassigned referral, only then")
    elif asked.to_party is not None:
        raise InvalidResolution("to_party", "to_party is only for reassigning a referral")


def resolve(uow: UnitOfWork, escalation_id: str, by: str, asked: Resolution) -> dict:
    row = _item(uow, escalation_id, by, "resolve")
    now = uow.clock.now()
    check(row.kind, asked)
    if row.state == "resolved":
        if (row.resolution, row.to_party) != (asked.resolution, asked.to_party):
            _refuse(
                uow, row, by, "resolve", f"escalation {escalation_id} is already resolved", resolution=asked.resolution
            )
        _audit(uow, by, "resolve", escalation_id, "repeat", resolution=asked.resolution)
    else:
        row.state, row.resolved_by, row.resolved_at, row.updated_at = "resolved", by, now, now
        row.resolution, row.to_party = asked.resolution, asked.to_party
        uow.session.add(row)
        payload = ev.EscalationResolvedV1(
            escalation_id=escalation_id,
            kind=Kind(row.kind),
            by=by,
            resolution=asked.resolution,
            to_party=asked.to_party,
        )
        sent = uow.emit(payload, episode_id=row.episode_id)
        _audit(uow, by, "resolve", escalation_id, "resolved", resolution=asked.resolution, event_id=sent.id)
    answer = queue.one(uow.session, row, now)
    uow.commit()
    return answer
