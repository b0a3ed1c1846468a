"""Police on scene ask for a mobile team or a peer: dispatch sends one to the incident it already knows.

The incident's area and grid cell come from the episode's responses (dispatch keeps nothing else of it);
an episode dispatch never responded to is unknown here. Only a partner account whose id names a police
desk on the roster may ask: a team's app may not.
"""

from dataclasses import dataclass
from uuid import UUID

from continuum_contracts.vocabulary import ResponseType
from continuum_kit.delivery import UnitOfWork
from sqlmodel import Session, col, select

from continuum_dispatch.assignment import Request, send
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import FINAL, ResponderKind
from continuum_dispatch.store import Responder, Response

ASKABLE = frozenset({ResponseType.MOBILE_TEAM, ResponseType.PEER_SUPPORT})


class UnknownEpisode(LookupError):
    def __init__(self, episode_id: UUID) -> None:
        super().__init__(f"dispatch knows no response on episode {episode_id}")


class NotPolice(PermissionError):
    def __init__(self, partner_id: str) -> None:
        super().__init__(f"{partner_id} is not a police desk on the roster")


@dataclass(frozen=True)
class Asked:
    """The response sent (None when none could go and a supervisor was told), and whether one was already live."""

    response: Response | None
    already_live: bool


def is_police(session: Session, partner_id: str) -> bool:
    responder = session.get(Responder, partner_id)
    return responder is not None and responder.kind == ResponderKind.POLICE


def ask_for_response(
    uow: UnitOfWork,
    episode_id: UUID,
    partner_id: str,
    response_type: ResponseType,
    reason: str,
    settings: DispatchSettings,
) -> Asked:
    """Send the kind asked for; a live response of that kind on the episode already answers the request."""
    if not is_police(uow.session, partner_id):
        raise NotPolice(partner_id)
    # The episode's responses are locked first, then read again: two requests at once take turns, and the
    # second one's fresh read sees the team the first one sent (under READ COMMITTED a locking read keeps
    # its own start's view of which rows exist).
    uow.session.exec(select(Response.response_id).where(Response.episode_id == episode_id).with_for_update()).all()
    known = uow.session.exec(
        select(Response)
        .where(Response.episode_id == episode_id)
        .order_by(col(Response.assigned_at).desc())
        .execution_options(populate_existing=True)
    ).all()
    if not known:
        raise UnknownEpisode(episode_id)
    live = next((r for r in known if r.response_type == response_type and r.status not in FINAL), None)
    if live is not None:
        return Asked(live, already_live=True)
    latest = known[0]
    request = Request(
        episode_id,
        response_type,
        latest.needs,
        latest.area,
        latest.grid,
        latest.peer_preferred,
        requested_by=partner_id,
    )
    return Asked(send(uow, request, settings, reason=reason), already_live=False)
