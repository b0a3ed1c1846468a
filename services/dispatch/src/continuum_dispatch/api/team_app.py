"""The mobile-team app's sign-in, shared by every route a team posts to: its updates, tasks and safety changes.

A team's app signs in with HTTP Basic as the partner account county IT registered for it, whose partner_id
is the team's responder_id; it acts only on the responses assigned to that team. Any other team gets 403
(naming the team assigned) and nothing changes; an unknown response is 404, told only to a signed-in caller.
"""

from typing import Annotated
from uuid import UUID

from continuum_kit.guards import PARTNER, guard
from continuum_kit.partners import PartnerCredentials, signed_in_partner
from continuum_kit.service import RuntimeDep
from fastapi import Depends, HTTPException, status
from sqlmodel import Session

from continuum_dispatch.store import Response

TEAM_APP_REFUSALS = {
    401: {"description": "no credentials, or wrong ones (WWW-Authenticate: Basic)"},
    403: {"description": "the caller is not the team assigned to the response (assigned_to given)"},
    404: {"description": "no such response"},
}


@guard(PARTNER, scope="the team the response is assigned to", resource="response_id")
def assigned_team(response_id: UUID, credentials: PartnerCredentials, runtime: RuntimeDep) -> str:
    """The signed-in team (401 first), when the response is assigned to it; else 404 (no response) or 403."""
    partner_id = signed_in_partner(credentials, runtime)
    # A session of its own, closed at once, as the kit's partner check does: on SQLite an open one would
    # hold the lock the request's unit of work needs. A response never changes team, so the answer holds.
    with Session(runtime.reader) as session:
        response = session.get(Response, response_id)
        assigned_to = response.responder_id if response is not None else None
    if assigned_to is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"response {response_id} not found")
    if assigned_to != partner_id:
        message = f"response {response_id} is not assigned to {partner_id}"
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail={"message": message, "assigned_to": assigned_to})
    return partner_id


AssignedTeamDep = Annotated[str, Depends(assigned_team)]
