"""Who may call each route, checked on the path parameter before the body is read (see ``callers`` for the rule).

Each check reads in a session of its own, closed at once, as the kit's partner check does: on SQLite an open one
would hold the lock the request's unit of work needs. A check-in never changes peer team, so the answer holds.
"""

from typing import Annotated
from uuid import UUID

from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import CallerDep, PartnerCredentials, PartnerDep, signed_in_partner
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from sqlmodel import Session

from continuum_followup.api.deps import SettingsDep
from continuum_followup.callers import NotThePlansPeer, require_speaker
from continuum_followup.config import FollowupSettings
from continuum_followup.store import Checkin

PLANS_PEERS = "the peer team of the episode's follow-up, or a partner registered for follow-up"


def _refused(refused: NotThePlansPeer) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail={"message": str(refused), "allowed": refused.allowed})


def _speaker(runtime: RuntimeDep, episode_id: UUID, partner_id: str, settings: FollowupSettings) -> None:
    with Session(runtime.reader) as session:
        try:
            require_speaker(session, episode_id, partner_id, settings)
        except NotThePlansPeer as refused:
            raise _refused(refused) from None


def _assigned_peer_of(runtime: RuntimeDep, followup_id: UUID) -> tuple[str, UUID]:
    with Session(runtime.reader) as session:
        checkin = session.get(Checkin, followup_id)
        if checkin is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"follow-up {followup_id} not found")
        return checkin.assigned_peer, checkin.episode_id


@guard(PARTNER, scope="the peer team the check-in is assigned to", resource="followup_id")
def assigned_peer(followup_id: UUID, credentials: PartnerCredentials, runtime: RuntimeDep) -> str:
    """The signed-in peer team (401 first), when the check-in is assigned to it; else 404 (no check-in) or 403."""
    partner_id = signed_in_partner(credentials, runtime)
    assigned_to, _ = _assigned_peer_of(runtime, followup_id)
    if assigned_to != partner_id:
        message = f"follow-up {followup_id} is assigned to {assigned_to}, not {partner_id}"
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail={"message": message, "assigned_to": assigned_to})
    return partner_id


@guard(PARTNER, scope=PLANS_PEERS, resource="episode_id")
def plans_speaker(episode_id: UUID, partner_id: PartnerDep, runtime: RuntimeDep, settings: SettingsDep) -> str:
    """The signed-in partner, when it may speak for the episode's follow-up; 403 otherwise, also for an episode
    followup does not know (so that a 404 tells only those who may speak which episodes followup knows)."""
    _speaker(runtime, episode_id, partner_id, settings)
    return partner_id


@guard(PARTNER, ADMIN, scope=f"county IT, {PLANS_PEERS}", resource="episode_id")
def plans_reader(episode_id: UUID, caller: CallerDep, runtime: RuntimeDep, settings: SettingsDep) -> None:
    """County IT, or a partner that may speak for the episode's follow-up (403 before any 404, as for writes)."""
    if caller.partner_id is not None:
        _speaker(runtime, episode_id, caller.partner_id, settings)


@guard(
    PARTNER, ADMIN, scope=f"county IT, the peer team the check-in is assigned to, {PLANS_PEERS}", resource="followup_id"
)
def checkin_reader(followup_id: UUID, caller: CallerDep, runtime: RuntimeDep, settings: SettingsDep) -> None:
    """County IT, the check-in's peer team, or a partner that may speak for its episode; 404 for no check-in."""
    assigned_to, episode_id = _assigned_peer_of(runtime, followup_id)
    if caller.partner_id is not None and caller.partner_id != assigned_to:
        _speaker(runtime, episode_id, caller.partner_id, settings)


AssignedPeerDep = Annotated[str, Depends(assigned_peer)]
PlansSpeakerDep = Annotated[str, Depends(plans_speaker)]
PlansReader = Depends(plans_reader)
CheckinReader = Depends(checkin_reader)
