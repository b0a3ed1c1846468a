"""Who may read a response: county IT, and the partners party to it.

A partner is party to a response when it is the team assigned to it (``responder_id``), the partner on
scene that asked for it (``requested_by``), a team sent to back it up after a safety change (the
``responder_id`` of a response whose ``backs_up`` is this one), or the team it backs up (the team on
scene that called for it, which needs to know whether help is coming). County IT's admin token reads
every response. A list of an episode's responses holds those the caller may read: 403 when it may read
none of them, and county IT gets the whole list (possibly empty).
"""

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import Caller, CallerDep
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from continuum_dispatch.store import Response

RESPONSE_SCOPE = (
    "county IT; or the partner party to the response: its team, a team backing it up or backed up by it, "
    "or the partner on scene that asked for it"
)
EPISODE_SCOPE = "county IT (every response); or a partner party to a response of the episode (those responses only)"


def parties(response: Response, episode: Sequence[Response]) -> set[str]:
    """The partner ids party to ``response``, among the responses of its ``episode``."""
    found = {response.responder_id} | ({response.requested_by} if response.requested_by else set())
    found |= {other.responder_id for other in episode if other.backs_up == response.response_id}
    found |= {other.responder_id for other in episode if other.response_id == response.backs_up}
    return found


def readable(caller: Caller, episode: Sequence[Response]) -> list[Response]:
    """The responses of an episode the caller may read, in the order given."""
    if caller.county_it:
        return list(episode)
    return [response for response in episode if caller.partner_id in parties(response, episode)]


def _episode(engine: Engine, episode_id: UUID | None = None, response_id: UUID | None = None) -> list[Response]:
    """The responses of an episode, oldest first: the one given, or the one ``response_id`` is on."""
    # A session of its own, closed at once (as the kit's partner check does): on SQLite an open one would
    # hold the lock the request's unit of work needs. Who is party to a response does not change once set.
    with Session(engine, expire_on_commit=False) as session:
        if response_id is not None:
            response = session.get(Response, response_id)
            if response is None:
                return []
            episode_id = response.episode_id
        query = select(Response).where(Response.episode_id == episode_id).order_by(col(Response.assigned_at))
        return list(session.exec(query).all())


@guard(PARTNER, ADMIN, scope=RESPONSE_SCOPE, resource="response_id")
def response_reader(response_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> Caller:
    """The caller, when it may read the response; else 404 (no response) or 403 (not party to it)."""
    episode = _episode(runtime.reader, response_id=response_id)
    if not episode:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"response {response_id} not found")
    if not any(r.response_id == response_id for r in readable(caller, episode)):
        message = (
            f"{caller.partner_id} may not read response {response_id}: it is not its team, a team backing it up "
            "or backed up by it, nor the partner that asked for it"
        )
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=message)
    return caller


@guard(PARTNER, ADMIN, scope=EPISODE_SCOPE)
def episode_reader(episode_id: UUID, caller: CallerDep, runtime: RuntimeDep) -> list[UUID]:
    """The ids of the episode's responses the caller may read, oldest first; 403 for a partner party to none."""
    visible = readable(caller, _episode(runtime.reader, episode_id=episode_id))
    if not visible and not caller.county_it:
        message = f"{caller.partner_id} is party to no response of episode {episode_id}"
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=message)
    return [response.response_id for response in visible]


ResponseReaderDep = Annotated[Caller, Depends(response_reader)]
EpisodeReaderDep = Annotated[list[UUID], Depends(episode_reader)]
