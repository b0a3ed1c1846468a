"""Sending a team: choose it from the roster, record the response with its due times, escalate what falls short."""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from continuum_contracts.events import ResponseAssignedV1, ResponseEscalatedV1
from continuum_contracts.vocabulary import ResponseType
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, func, select

from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import (
    KIND_FOR_RESPONSE,
    LIVE,
    TIMED_KINDS,
    Escalation,
    EtaPolicy,
    ResponderKind,
    ResponderStatus,
    ResponseStatus,
    has_peer,
    target_minutes,
)
from continuum_dispatch.store import Responder, Response
from continuum_dispatch.team_choice import Choice, DutyWindow, Incident, Team, cell_centre, choose_team

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """What dispatch knows of an incident: the response triage asked for, where (coarsely), and the plan's wish."""

    episode_id: UUID
    response_type: ResponseType
    needs: list[str]
    area: str | None = None
    grid: str | None = None
    peer_preferred: bool = False
    backs_up: UUID | None = None  # the response on scene this backup is for
    requested_by: str | None = None  # the partner on scene who asked for this response

    @classmethod
    def again(cls, response: Response) -> "Request":
        return cls(
            response.episode_id,
            ResponseType(response.response_type),
            response.needs,
            response.area,
            response.grid,
            response.peer_preferred,
            response.backs_up,
            response.requested_by,
        )


def eta_policy(settings: DispatchSettings) -> EtaPolicy:
    return EtaPolicy(settings.eta_base_minutes, settings.eta_per_active_minutes, settings.travel_speed_kmh)


def active_responses(session: Session) -> dict[str, int]:
    """How many unfinished responses each busy responder has. Read from the index of live responses (status,
    responder): its cost grows with the responses under way, not with every response ever recorded."""
    query = (
        select(Response.responder_id, func.count())
        .where(col(Response.status).in_(sorted(s.value for s in LIVE)))
        .group_by(col(Response.responder_id))
    )
    return {responder_id: count for responder_id, count in session.exec(query).all()}


def team_of(responder: Responder, active: int) -> Team:
    located = responder.latitude is not None and responder.longitude is not None
    return Team(
        responder.responder_id,
        ResponderKind(responder.kind),
        has_peer(m["role"] for m in responder.members),
        ResponderStatus(responder.status),
        active,
        (responder.latitude, responder.longitude) if located else None,
        frozenset(responder.coverage_areas),
        tuple(
            DutyWindow(frozenset(h["days"]), time.fromisoformat(h["start"]), time.fromisoformat(h["end"]))
            for h in responder.hours
        ),
    )


def send(
    uow: UnitOfWork,
    request: Request,
    settings: DispatchSettings,
    *,
    reason: str | None = None,
    replacing: Response | None = None,
) -> Response | None:
    """Assign the best team for the request, or escalate when none can go or none can be there in time."""
    choice = choose(uow, request, settings, replacing)
    if choice is None:
        unanswered = Escalation.NOT_ACKNOWLEDGED if replacing else Escalation.NO_RESPONDER_AVAILABLE
        log.warning(
            "no %s responder can go for episode %s", KIND_FOR_RESPONSE[request.response_type], request.episode_id
        )
        failed = replacing.response_id if replacing else request.backs_up
        escalate(uow, request, unanswered, target_of(request, settings), failed)
        return None
    return assign(uow, request, choice, settings, reason=reason, replacing=replacing)


def target_of(request: Request, settings: DispatchSettings) -> int | None:
    """The area's response-time target; only the crisis teams answer to one."""
    kind = KIND_FOR_RESPONSE[request.response_type]
    target = target_minutes(request.area, settings.areas, settings.response_target_minutes)
    return target if kind in TIMED_KINDS else None


def assign(
    uow: UnitOfWork,
    request: Request,
    choice: Choice,
    settings: DispatchSettings,
    *,
    reason: str | None = None,
    replacing: Response | None = None,
) -> Response:
    """Record the chosen team's response, and escalate at once when it cannot be there within the time left."""
    target = target_of(request, settings)
    response = _record(uow, request, choice, settings, target, reason, replacing)
    budget = _minutes_left(uow.clock.now(), target, replacing)
    shortfall = _shortfall(choice, target, budget)
    if shortfall is not None:
        escalate(uow, request, shortfall, budget, response.response_id, choice.eta_minutes, target)
    return response


def _minutes_left(now: datetime, target: int | None, replacing: Response | None) -> int | None:
    """A replacement has only what is left of the first team's target: the person has been waiting since then.
    None when there is no target clock (an untimed kind, a team already on scene, a target already missed)."""
    if replacing is None or target is None:
        return target
    if replacing.target_due is None:
        return None
    return max(int((replacing.target_due - now).total_seconds() // 60), 0)


def choose(uow: UnitOfWork, request: Request, settings: DispatchSettings, replacing: Response | None) -> Choice | None:
    """The best team for the request, the team being replaced and the episode's silent teams left out."""
    kind = KIND_FOR_RESPONSE[request.response_type]
    # Locked in a fixed order, so that two assignments at once cannot both take the last free team.
    roster = uow.session.exec(
        select(Responder).where(Responder.kind == kind).order_by(col(Responder.responder_id)).with_for_update()
    ).all()
    replaced = {replacing.responder_id} if replacing is not None else set()
    skip = _silent_teams(uow.session, request.episode_id) | replaced
    load = active_responses(uow.session)
    teams = [team_of(r, load.get(r.responder_id, 0)) for r in roster if r.responder_id not in skip]
    incident = Incident(kind, request.area, cell_centre(request.grid), request.peer_preferred)
    local = uow.clock.now().astimezone(ZoneInfo(settings.timezone))
    return choose_team(teams, incident, eta_policy(settings), local, settings.peer_preference_extra_minutes)


def _silent_teams(session: Session, episode_id: UUID) -> set[str]:
    """Teams already replaced on this episode for not answering: they are not asked again."""
    query = select(Response.responder_id).where(
        Response.episode_id == episode_id, Response.status == ResponseStatus.REPLACED
    )
    return set(session.exec(query).all())


def _shortfall(choice: Choice, target: int | None, budget: int | None) -> Escalation | None:
    """Only the crisis teams answer to a target: police and EMS desks and warmline peers do not."""
    if target is None:
        return None
    if not choice.free:
        return Escalation.NO_RESPONDER_AVAILABLE  # every team is busy: this one goes when it is done
    if budget is not None and choice.eta_minutes > budget:
        return Escalation.NO_TEAM_MEETS_TARGET
    return None


def _record(
    uow: UnitOfWork,
    request: Request,
    choice: Choice,
    settings: DispatchSettings,
    target: int | None,
    reason: str | None,
    replacing: Response | None,
) -> Response:
    now = uow.clock.now()
    response = Response(
        episode_id=request.episode_id,
        response_type=request.response_type,
        responder_id=choice.responder_id,
        with_peer=choice.with_peer,
        status=ResponseStatus.ASSIGNED,
        eta_minutes=choice.eta_minutes,
        assigned_at=now,
        needs=sorted(request.needs),
        updated_at=now,
        area=request.area,
        grid=request.grid,
        peer_preferred=request.peer_preferred,
        target_minutes=target,
        acknowledge_due=_acknowledge_due(now, settings, target),
        target_due=_target_due(now, target, replacing),
        replaces=replacing.response_id if replacing else None,
        reason=reason,
        backs_up=request.backs_up,
        requested_by=request.requested_by,
    )
    uow.session.add(response)
    uow.emit(
        ResponseAssignedV1(
            response_id=response.response_id,
            response_type=request.response_type,
            responder_id=choice.responder_id,
            with_peer=choice.with_peer,
            eta_minutes=choice.eta_minutes,
            target_minutes=target,
            replaces=response.replaces,
            reason=reason,
            backs_up=response.backs_up,
            requested_by=response.requested_by,
        ),
        episode_id=request.episode_id,
    )
    return response


def _acknowledge_due(now: datetime, settings: DispatchSettings, target: int | None) -> datetime | None:
    return None if target is None else now + timedelta(seconds=settings.acknowledge_timeout_seconds)


def _target_due(now: datetime, target: int | None, replacing: Response | None) -> datetime | None:
    if target is None:
        return None
    if replacing is not None:
        return replacing.target_due  # the person has been waiting since the first team was sent
    return now + timedelta(minutes=target)


def escalate(
    uow: UnitOfWork,
    request: Request,
    reason: Escalation,
    budget: int | None,
    response_id: UUID | None = None,
    eta: int | None = None,
    target: int | None = None,
) -> None:
    """Tell a supervisor; the gap is against the time the person has left (the whole target, unless replacing)."""
    gap = None if budget is None or eta is None else max(eta - budget, 0)
    uow.emit(
        ResponseEscalatedV1(
            response_id=response_id,
            reason=reason,
            response_type=request.response_type,
            area=request.area,
            target_minutes=budget if target is None else target,
            best_eta_minutes=eta,
            gap_minutes=gap,
        ),
        episode_id=request.episode_id,
    )
