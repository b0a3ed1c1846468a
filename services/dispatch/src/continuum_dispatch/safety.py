"""A team reports a change of safety: dispatch sends the backup the rules call for (or escalates), the peer
steps back, and a deflection that no longer holds is corrected. The team's own response stays live."""

import logging
from dataclasses import dataclass
from uuid import UUID

from continuum_contracts.events import LawEnforcementDeflectionCorrectedV1, ResponseSafetyChangedV1
from continuum_contracts.vocabulary import ResponseType, SafetyFlag
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_dispatch.assignment import Request, send
from continuum_dispatch.backup_rules import backup_for, change_reason, may_report
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import ResponderKind, ResponderStatus, ResponseStatus
from continuum_dispatch.progress import StatusConflict, UnknownResponse
from continuum_dispatch.store import Deflection, Responder, Response, SafetyChange

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reported:
    """A recorded safety change, and whether this request was a repeat of one already recorded."""

    record: SafetyChange
    repeated: bool


def report_safety_change(
    uow: UnitOfWork, response_id: UUID, change: SafetyFlag, reason: str, settings: DispatchSettings
) -> Reported:
    """Record the change and act on it once; the same change reported again gives the first answer.

    The caller is the team assigned to the response (``api.team_app`` checked it)."""
    response = uow.session.get(Response, response_id, with_for_update=True)
    if response is None:
        raise UnknownResponse(response_id)
    earlier = uow.session.get(SafetyChange, (response_id, change.value))
    if earlier is not None:
        return Reported(earlier, repeated=True)
    current = ResponseStatus(response.status)
    if not may_report(current):
        raise StatusConflict(f"a response that is {current} cannot report a safety change", current)
    record = _act(uow, response, change, reason, settings)
    uow.session.add(record)
    return Reported(record, repeated=False)


def _act(
    uow: UnitOfWork, response: Response, change: SafetyFlag, reason: str, settings: DispatchSettings
) -> SafetyChange:
    on_scene = ResponseType(response.response_type)
    backup = backup_for(change, on_scene, _runs_co_response(uow.session))
    uow.emit(
        ResponseSafetyChangedV1(
            response_id=response.response_id,
            responder_id=response.responder_id,
            change=change,
            reason=reason,
            backup=backup.response_type,
            peer_stepped_back=response.with_peer,
        ),
        episode_id=response.episode_id,
    )
    why = change_reason(change)
    request = Request(
        response.episode_id,
        backup.response_type,
        response.needs,
        response.area,
        response.grid,
        backs_up=response.response_id,
    )
    sent = send(uow, request, settings, reason=why)  # none can go: send escalates, naming this response
    corrected = _correct_deflections(uow, response.episode_id, why) if backup.police_involved else False
    log.info("safety change %s on response %s: %s backup", change, response.response_id, backup.response_type)
    return SafetyChange(
        response_id=response.response_id,
        change=change,
        reason=reason,
        reported_by=response.responder_id,
        backup_type=backup.response_type,
        backup_response_id=sent.response_id if sent else None,
        peer_stepped_back=response.with_peer,
        deflection_corrected=corrected,
        at=uow.clock.now(),
    )


def _runs_co_response(session: Session) -> bool:
    """The county runs co-responders when its roster has one that is not offline."""
    query = select(Responder.responder_id).where(
        Responder.kind == ResponderKind.CO_RESPONDER, Responder.status != ResponderStatus.OFFLINE
    )
    return session.exec(query).first() is not None


def _correct_deflections(uow: UnitOfWork, episode_id: UUID, reason: str) -> bool:
    """Police were needed after all: the call no longer counts as deflected in the county's report."""
    query = select(Deflection).where(Deflection.episode_id == episode_id, col(Deflection.deflected).is_(True))
    deflections = uow.session.exec(query.with_for_update()).all()
    for deflection in deflections:
        deflection.deflected = False
        deflection.reason = reason
        deflection.corrected_at = uow.clock.now()
        uow.session.add(deflection)
        uow.emit(
            LawEnforcementDeflectionCorrectedV1(
                response_id=deflection.response_id, call_type=deflection.call_type, reason=reason
            ),
            episode_id=episode_id,
        )
    return bool(deflections)


def peer_stepped_back(session: Session, response_id: UUID) -> bool:
    query = select(SafetyChange.response_id).where(
        SafetyChange.response_id == response_id, col(SafetyChange.peer_stepped_back).is_(True)
    )
    return session.exec(query).first() is not None
