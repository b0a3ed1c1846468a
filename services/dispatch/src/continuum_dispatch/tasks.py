"""Tasks for team members on a response, with the peer-role guard: a peer is never given clinical or coercive work.

Every assignment is audited, a refused one too, so that a supervisor can see peer drift being attempted.
"""

from uuid import UUID

from continuum_kit.delivery import UnitOfWork

from continuum_dispatch.backup_rules import peer_task_allowed_after_step_back
from continuum_dispatch.domain import FINAL, ResponseStatus, task_allowed
from continuum_dispatch.progress import StatusConflict, UnknownResponse
from continuum_dispatch.safety import peer_stepped_back
from continuum_dispatch.store import AuditEntry, Responder, Response, Task

ASSIGN_TASK = "assign_task"
REFUSED_OUTSIDE_PEER_ROLE = "refused:outside_peer_role"
REFUSED_PEER_STEPPED_BACK = "refused:peer_stepped_back"
ASSIGNED = "assigned"


class NotOnTeam(LookupError):
    def __init__(self, member_id: str, responder_id: str) -> None:
        super().__init__(f"member {member_id} is not on team {responder_id}")


class OutsidePeerRole(Exception):
    def __init__(self, task: str, why: str = "outside the peer role") -> None:
        super().__init__(f"a peer cannot be assigned {task}: {why}")


def assign_task(uow: UnitOfWork, response_id: UUID, task: str, assignee: str, actor: str) -> Task:
    """Record the task, or refuse it (audited) when it would take a peer out of the peer role."""
    response = uow.session.get(Response, response_id)
    if response is None:
        raise UnknownResponse(response_id)
    if response.status in FINAL:
        current = ResponseStatus(response.status)
        raise StatusConflict(f"a response that is {current} takes no new tasks", current)
    role = _role_of(uow, response.responder_id, assignee)
    if not task_allowed(role, task):
        audit(uow, actor, f"{ASSIGN_TASK}:{task}", REFUSED_OUTSIDE_PEER_ROLE, response_id)
        raise OutsidePeerRole(task)
    if not peer_task_allowed_after_step_back(role, task) and peer_stepped_back(uow.session, response_id):
        audit(uow, actor, f"{ASSIGN_TASK}:{task}", REFUSED_PEER_STEPPED_BACK, response_id)
        raise OutsidePeerRole(task, "the peer stepped back after a safety change")
    record = Task(
        response_id=response_id, task=task, assignee_member_id=assignee, assigned_by=actor, at=uow.clock.now()
    )
    uow.session.add(record)
    audit(uow, actor, f"{ASSIGN_TASK}:{task}", ASSIGNED, response_id)
    return record


def _role_of(uow: UnitOfWork, responder_id: str, member_id: str) -> str:
    responder = uow.session.get(Responder, responder_id)
    member = next((m for m in responder.members if m["member_id"] == member_id), None) if responder else None
    if member is None:
        raise NotOnTeam(member_id, responder_id)
    return member["role"]


def audit(uow: UnitOfWork, actor: str, action: str, outcome: str, response_id: UUID | None = None) -> None:
    entry = AuditEntry(at=uow.clock.now(), actor=actor, action=action[:64], outcome=outcome, response_id=response_id)
    uow.session.add(entry)
