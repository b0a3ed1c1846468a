"""Who may read or move a Task at /fhir: the same parties as the /v1 routes (``api.parties``).

County IT (the admin token) reads every Task; a partner (HTTP Basic) reads a handoff it is addressed to or comes
from and a referral addressed to it; only the addressee (Task.owner) moves one. An id naming nothing is 404,
told only to a signed-in caller (also an id that is not a UUID: it names nothing here).
"""

from typing import Annotated
from uuid import UUID

from continuum_kit.fhir import refuse
from continuum_kit.guards import ADMIN, PARTNER, guard
from continuum_kit.partners import CallerDep, PartnerDep
from continuum_kit.service import RuntimeDep
from fastapi import Depends, status
from sqlalchemy import Engine
from sqlmodel import Session

from continuum_handoff.api.parties import HANDOFF_READERS, REFERRAL_READERS
from continuum_handoff.fhir_api.mapping import Row
from continuum_handoff.store import Handoff, Referral

TASK_READERS = f"{HANDOFF_READERS} (a warm handoff's Task); {REFERRAL_READERS} (a referral's)"
TASK_OWNER = "the partner the Task is addressed to (its owner)"


def find_row(engine: Engine, resource_type: str, resource_id: str) -> Row:
    """The handoff or referral a Task or ServiceRequest id names, or a 404 OperationOutcome."""
    try:
        key = UUID(resource_id)
    except ValueError:
        key = None
    row: Row | None = None
    if key is not None:
        # A session of its own, closed at once, as the /v1 guards do (a row never changes its parties).
        with Session(engine, expire_on_commit=False) as session:
            row = session.get(Handoff, key) or session.get(Referral, key)
    if row is None:
        refuse(status.HTTP_404_NOT_FOUND, "not-found", f"{resource_type}/{resource_id} is not known here")
    return row


def may_read(row: Row, partner_id: str | None) -> bool:
    if partner_id is None:  # county IT
        return True
    if isinstance(row, Handoff):
        return partner_id in (row.to_party, row.from_party)
    return partner_id == row.to_party


def _readable(resource_type: str, resource_id: str, partner_id: str | None, engine: Engine) -> Row:
    row = find_row(engine, resource_type, resource_id)
    if not may_read(row, partner_id):
        # The owner is not named: to an outsider, where a person went is itself about the person.
        refuse(
            status.HTTP_403_FORBIDDEN,
            "forbidden",
            f"reading {resource_type}/{resource_id} needs {TASK_READERS}; {partner_id} is neither",
        )
    return row


@guard(PARTNER, ADMIN, scope=TASK_READERS, resource="task_id")
def readable_task(task_id: str, caller: CallerDep, runtime: RuntimeDep) -> Row:
    return _readable("Task", task_id, caller.partner_id, runtime.reader)


@guard(PARTNER, ADMIN, scope=TASK_READERS, resource="request_id")
def readable_request(request_id: str, caller: CallerDep, runtime: RuntimeDep) -> Row:
    return _readable("ServiceRequest", request_id, caller.partner_id, runtime.reader)


@guard(PARTNER, scope=TASK_OWNER, resource="task_id")
def owned_task(task_id: str, partner_id: PartnerDep, runtime: RuntimeDep) -> Row:
    """The Task, when the signed-in partner is its owner (the addressee): the only one that moves it."""
    row = find_row(runtime.reader, "Task", task_id)
    if row.to_party != partner_id:
        refuse(
            status.HTTP_403_FORBIDDEN,
            "forbidden",
            f"Task/{task_id} is addressed to {row.to_party}, not {partner_id}: only its owner moves it",
            "Task.owner",
        )
    return row


ReadableTask = Annotated[Row, Depends(readable_task)]
ReadableRequest = Annotated[Row, Depends(readable_request)]
OwnedTask = Annotated[Row, Depends(owned_task)]
