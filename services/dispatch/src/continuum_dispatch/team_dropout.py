"""A team drops out after acknowledging: set offline by county IT, or silent past its progress time.

Either way its live responses go at once to the next fitting team (``team_replacement.hand_over``).
When nobody can take over:
- from a silent team, it keeps the call (a late team is better than none) and a supervisor is told
  (``no_responder_available``, the dropped response's id);
- from an offline team, the response stays live on it, marked ``dropped_out`` (an offline team can
  report nothing, but the response cannot be owned by no one), a supervisor is told once
  (``team_dropped_out``), and the handover is tried again every ``HANDOVER_RETRY`` until a team is
  free, the team comes back, or the response ends. Its target clock keeps running.
"""

from datetime import datetime, timedelta

from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_dispatch.assignment import Request, escalate, target_of
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import FINAL, Escalation, ResponderStatus, ResponseStatus
from continuum_dispatch.store import Responder, Response
from continuum_dispatch.team_replacement import DropOut, hand_over

HANDOVER_RETRY = timedelta(seconds=30)
LIVE = [s.value for s in ResponseStatus if s not in FINAL]


def progress_due(response: Response, status: ResponseStatus, now: datetime, timeout: timedelta) -> datetime | None:
    """When a team must next be heard from. Acknowledged: en route within the timeout. En route: on scene
    by the later of its target time and its own ETA, plus the timeout; a late team's missed target reaches
    a supervisor first (``missed_targets``), and a team that only forgot to say it arrived is not replaced
    while it is still plausibly driving. None once on scene: the team is with the person."""
    if status == ResponseStatus.ACKNOWLEDGED:
        return now + timeout
    if status == ResponseStatus.EN_ROUTE:
        expected = now + timedelta(minutes=response.eta_minutes)
        if response.target_due is not None:
            expected = max(expected, response.target_due)
        return expected + timeout
    return None


def lock_before_offline(session: Session, responder_id: str) -> None:
    """Take the locks a drop-out needs in the order every writer takes them: the team's responses (as a team
    update does), then the roster of its kind in id order (as an assignment does), so that none deadlocks."""
    responder = session.get(Responder, responder_id)
    if responder is None:
        return
    session.exec(_live_of(responder_id).with_for_update()).all()
    roster = select(Responder).where(Responder.kind == responder.kind).order_by(col(Responder.responder_id))
    session.exec(roster.with_for_update()).all()


def take_over_from_offline(uow: UnitOfWork, responder: Responder, settings: DispatchSettings) -> None:
    """Every live response of a team gone offline goes to another team now; setting it offline twice hands
    nothing over twice (a response already marked waits for its retry)."""
    if responder.status != ResponderStatus.OFFLINE:
        return
    query = _live_of(responder.responder_id).where(col(Response.dropped_out).is_(None)).with_for_update()
    for old in uow.session.exec(query).all():
        if hand_over(uow, old, DropOut.TEAM_OFFLINE, settings) is None:
            _keep_until_handed_over(uow, old, settings)


def replace_silent_after_acknowledgement(uow: UnitOfWork, settings: DispatchSettings) -> None:
    """Timer: a team heard from once, then not again by its progress time, is replaced."""
    now = uow.clock.now()
    query = (
        select(Response)
        .where(col(Response.progress_due) <= now)
        .order_by(col(Response.progress_due))
        .with_for_update(skip_locked=True)
    )
    for old in uow.session.exec(query).all():
        old.progress_due = None
        uow.session.add(old)
        if old.status not in (ResponseStatus.ACKNOWLEDGED, ResponseStatus.EN_ROUTE):
            continue
        if hand_over(uow, old, DropOut.NO_UPDATE_AFTER_ACKNOWLEDGEMENT, settings) is None:
            request = Request.again(old)
            escalate(uow, request, Escalation.NO_RESPONDER_AVAILABLE, target_of(request, settings), old.response_id)


def retry_handovers(uow: UnitOfWork, settings: DispatchSettings) -> None:
    """Timer: a response left on an offline team is handed over as soon as a team can take it."""
    now = uow.clock.now()
    query = (
        select(Response)
        .where(col(Response.handover_due) <= now)
        .order_by(col(Response.handover_due))
        .with_for_update(skip_locked=True)
    )
    for old in uow.session.exec(query).all():
        team = uow.session.get(Responder, old.responder_id)
        if old.status in FINAL or team is None or team.status != ResponderStatus.OFFLINE:
            old.dropped_out = old.handover_due = None  # it ended, or its team is back on it
        elif hand_over(uow, old, DropOut(old.dropped_out or DropOut.TEAM_OFFLINE), settings) is None:
            old.handover_due = now + HANDOVER_RETRY
        uow.session.add(old)


def _keep_until_handed_over(uow: UnitOfWork, old: Response, settings: DispatchSettings) -> None:
    old.dropped_out = DropOut.TEAM_OFFLINE
    old.handover_due = uow.clock.now() + HANDOVER_RETRY
    old.acknowledge_due = old.progress_due = None  # an offline team is not waited for; the retry owns it now
    uow.session.add(old)
    request = Request.again(old)
    escalate(uow, request, Escalation.TEAM_DROPPED_OUT, target_of(request, settings), old.response_id)


def _live_of(responder_id: str):
    return select(Response).where(Response.responder_id == responder_id, col(Response.status).in_(LIVE))
