"""Projects the response onto the episode and its team: assigned, updated, escalated, replaced, deflected, resolved.

A team that dropped out is shown so until it is heard from again: ``offline`` (dispatch saw it go offline) or
``not_answering`` (silent after acknowledging).
"""

from collections.abc import Mapping
from datetime import timedelta
from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Stage
from sqlmodel import Session

from continuum_board.projection.change import Change, Projectors
from continuum_board.store import TeamRow

DROPPED_OUT = {"team_offline": "offline", "no_update_after_acknowledgement": "not_answering"}


def assigned(change: Change, envelope: Envelope[ev.ResponseAssignedV1]) -> None:
    episode, assignment = change.episode, envelope.data
    if episode.assigned_at is None:
        episode.assigned_at = envelope.time
        change.measure("time_to_assign", episode.triaged_at, envelope.time)
    if episode.target_due is None and assignment.target_minutes is not None and episode.arrived_at is None:
        # A replacement team keeps the first one's deadline: the person has been waiting since then.
        episode.target_minutes = assignment.target_minutes
        episode.target_due = envelope.time + timedelta(minutes=assignment.target_minutes)
    if assignment.replaces is not None and episode.responder_id and episode.responder_id != assignment.responder_id:
        _team(change.session, episode.responder_id, "available", envelope, keep=DROPPED_OUT)
    episode.response_id = assignment.response_id
    episode.response_type = assignment.response_type
    episode.responder_id = assignment.responder_id
    episode.response_status = "assigned"
    episode.eta_minutes = assignment.eta_minutes
    _team(
        change.session, assignment.responder_id, "assigned", envelope, assignment.response_type, assignment.response_id
    )


def updated(change: Change, envelope: Envelope[ev.ResponseUpdatedV1]) -> None:
    episode, update = change.episode, envelope.data
    if episode.response_id in (None, update.response_id):
        episode.response_status = update.status
    if update.status == "on_scene":
        _arrived(change, envelope)
    _team(change.session, update.responder_id, update.status, envelope)


def escalated(change: Change, envelope: Envelope[ev.ResponseEscalatedV1]) -> None:
    episode, escalation = change.episode, envelope.data
    episode.escalated = escalation.reason
    if episode.target_due is None and escalation.target_minutes is not None and episode.arrived_at is None:
        episode.target_minutes = escalation.target_minutes
        episode.target_due = envelope.time + timedelta(minutes=escalation.target_minutes)


def replaced(change: Change, envelope: Envelope[ev.ResponseReplacedV1]) -> None:
    replacement = envelope.data
    status = DROPPED_OUT.get(replacement.reason, "available")
    _team(change.session, replacement.responder_id, status, envelope)


def deflected(change: Change, _envelope: Envelope[ev.LawEnforcementDeflectedV1]) -> None:
    change.episode.deflected = True


def resolved(change: Change, envelope: Envelope[ev.ResponseResolvedV1]) -> None:
    episode = change.episode
    _arrived(change, envelope)  # a peer on the phone reports no on_scene: resolving is responding
    episode.resolved_at = episode.resolved_at or envelope.time
    episode.response_status = "resolved"
    change.move_to(Stage.POST_CRISIS)
    _team(change.session, envelope.data.responder_id, "available", envelope)


def _arrived(change: Change, envelope: Envelope[ev.ResponseUpdatedV1 | ev.ResponseResolvedV1]) -> None:
    episode = change.episode
    if episode.arrived_at is None:
        episode.arrived_at = envelope.time
        change.measure("time_to_respond", episode.triaged_at, envelope.time)


def _team(
    session: Session,
    responder_id: str,
    status: str,
    envelope: Envelope,
    response_type: str | None = None,
    response_id: UUID | None = None,
    keep: Mapping[str, str] | None = None,
) -> None:
    team = session.get(TeamRow, responder_id, with_for_update=True)
    if team is None:
        team = TeamRow(responder_id=responder_id, status=status, updated_at=envelope.time)
    elif status != "assigned" and team.episode_id not in (None, envelope.episode_id):
        return  # a late word about an earlier episode does not hide the team's current one
    elif keep is not None and team.status in keep.values():
        return  # a team replaced because it dropped out stays shown as dropped out
    team.status = status
    if status == "assigned":
        team.episode_id, team.response_id, team.response_type = envelope.episode_id, response_id, response_type
    elif status == "available" or status in DROPPED_OUT.values():
        team.episode_id, team.response_id = None, None
    team.updated_at = envelope.time
    session.add(team)


PROJECTORS: Projectors = {
    ev.ResponseAssignedV1: assigned,
    ev.ResponseUpdatedV1: updated,
    ev.ResponseEscalatedV1: escalated,
    ev.ResponseReplacedV1: replaced,
    ev.LawEnforcementDeflectedV1: deflected,
    ev.ResponseResolvedV1: resolved,
}
