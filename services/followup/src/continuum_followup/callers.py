"""Who may speak for an episode's follow-up: the peer team its check-ins are assigned to, or a partner the county
registered for it (e.g. the crisis line that hears a person decline). They, and county IT, may read its plan and
check-ins. Anyone else is refused, and nothing changes.

Checked before the episode is looked up, so that a partner cannot learn from a 404 which episodes followup knows.
"""

from uuid import UUID

from sqlmodel import Session, select

from continuum_followup.config import FollowupSettings
from continuum_followup.store import Checkin


class NotThePlansPeer(PermissionError):
    def __init__(self, caller: str, allowed: list[str]) -> None:
        super().__init__(f"{caller} is neither the peer team of this episode's follow-up nor registered for it")
        self.allowed = allowed


def speakers_for(session: Session, episode_id: UUID, settings: FollowupSettings) -> list[str]:
    """The peer teams the episode's check-ins are assigned to (the county's peer team when it has none yet),
    and the partners registered for every episode's follow-up."""
    assigned = set(session.exec(select(Checkin.assigned_peer).where(Checkin.episode_id == episode_id)).all())
    return sorted((assigned or {settings.peer_pool_id}) | set(settings.followup_partners))


def require_speaker(session: Session, episode_id: UUID, caller: str, settings: FollowupSettings) -> None:
    allowed = speakers_for(session, episode_id, settings)
    if caller not in allowed:
        raise NotThePlansPeer(caller, allowed)
