"""Moving a Task: a JSON Patch (RFC 6902) or a whole Task (PUT) in which only status and statusReason may differ.

Each target status is the /v1 route of the same move, through the same domain function (so the same event,
the same refusal, and a repeat that changes nothing): a handoff's received, accepted, in-progress, completed
(``POST /v1/handoffs/{id}/{receive,accept,start,complete}``) and rejected with a statusReason coding one of
the decline reasons (``.../decline``); a referral's completed (HMIS 4.20 client accepted) and rejected with a
statusReason coding the HMIS result, client or provider rejected (``POST /v1/referrals/{id}/result``, the
result dated when the Task moves). The current status again is a harmless repeat; any other status is 422.
"""

import copy
from functools import partial
from typing import Any

from continuum_kit.delivery import UnitOfWork
from continuum_kit.fhir import named, refuse
from fastapi import status
from fhir.resources.R4B.task import Task
from pydantic import ValidationError

from continuum_handoff.config import HandoffSettings
from continuum_handoff.domain import DeclineReason, ReferralResult, StatusConflict
from continuum_handoff.fhir_api.mapping import Row, task
from continuum_handoff.fhir_api.search import TASK_STATUSES
from continuum_handoff.partner_referrals import ReferralNotFound, record_result
from continuum_handoff.store import Handoff
from continuum_handoff.warm_handoffs import (
    HandoffNotFound,
    accept_handoff,
    complete_handoff,
    decline_handoff,
    receive_handoff,
    start_handoff,
)

MOVABLE = ("status", "statusReason")
# Set by the server as the Task moves; what a client sends for them is not read.
SERVER_SET = frozenset({"meta", "text", "lastModified", "businessStatus", "output", "executionPeriod"})
HANDOFF_TARGETS = ("received", "accepted", "in-progress", "completed", "rejected")
REFERRAL_REJECTIONS = (ReferralResult.CLIENT_REJECTED, ReferralResult.PROVIDER_REJECTED)


def _unprocessable(code: str, diagnostics: str, expression: str | None = None) -> None:
    refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, code, diagnostics, expression)


def _tokens(pointer: str) -> list[str]:
    if not pointer.startswith("/"):
        _unprocessable("invalid", f"JSON Patch path {named(pointer)} is not a JSON Pointer")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _step(parent: Any, token: str, pointer: str) -> Any:
    try:
        return parent[int(token)] if isinstance(parent, list) else parent[token]
    except (KeyError, IndexError, ValueError, TypeError):
        _unprocessable("invalid", f"JSON Patch path {pointer} names nothing in the Task")


def _apply_one(document: dict[str, Any], operation: dict[str, Any]) -> None:
    op, pointer = operation.get("op"), operation.get("path")
    if not isinstance(pointer, str) or op not in ("add", "replace", "remove", "test"):
        _unprocessable("not-supported", f"JSON Patch operation {named(op)}: use add, replace, remove or test")
    tokens = _tokens(pointer)
    if op != "test" and tokens[0] not in MOVABLE:
        _unprocessable("not-supported", f"Task.{tokens[0]} may not be changed: only status and statusReason", pointer)
    parent: Any = document
    for token in tokens[:-1]:
        parent = _step(parent, token, pointer)
    last = tokens[-1]
    if op == "test":
        if _step(parent, last, pointer) != operation.get("value"):
            refuse(status.HTTP_409_CONFLICT, "conflict", f"JSON Patch test failed at {pointer}", pointer)
    elif op == "remove":
        _step(parent, last, pointer)
        del parent[int(last) if isinstance(parent, list) else last]
    elif isinstance(parent, list):
        index = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if not 0 <= index <= len(parent) - (op == "replace"):
            _unprocessable("invalid", f"JSON Patch path {pointer} names nothing in the Task")
        parent[index : index + (op == "replace")] = [operation.get("value")]
    else:
        if op == "replace":
            _step(parent, last, pointer)
        parent[last] = operation.get("value")


def patched(current: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    document = copy.deepcopy(current)
    for operation in operations:
        if not isinstance(operation, dict):
            _unprocessable("invalid", "a JSON Patch is an array of operation objects")
        _apply_one(document, operation)
    return document


def _normal(document: dict[str, Any]) -> dict[str, Any]:
    try:
        model = Task.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        _unprocessable("structure", f"not a valid FHIR Task: {where}: {first.get('msg')}", f"Task.{where}")
    return model.model_dump(mode="json", exclude_none=True, by_alias=True)


def desired(current: dict[str, Any], wanted: dict[str, Any], task_id: str) -> dict[str, Any]:
    """The Task asked for, checked: a valid Task of this id, differing from the current one only where it may."""
    if wanted.get("resourceType") != "Task":
        _unprocessable("invalid", "the body must be a Task (resourceType Task)", "Task.resourceType")
    if wanted.get("id") != task_id:
        refuse(status.HTTP_400_BAD_REQUEST, "invalid", f"the Task's id must be {task_id}, as in the URL", "Task.id")
    sent = wanted.get("status")
    if not isinstance(sent, str) or sent not in TASK_STATUSES:
        _unprocessable("code-invalid", f"Task.status {named(sent)} is not a FHIR Task status", "Task.status")
    wanted = _normal(wanted)
    for key in sorted((set(wanted) | set(current)) - set(MOVABLE) - SERVER_SET):
        if wanted.get(key) != current.get(key):
            _unprocessable("invalid", f"Task.{key} may not be changed: only status and statusReason", f"Task.{key}")
    return wanted


def _reason_code(wanted: dict[str, Any], allowed: tuple[str, ...]) -> str:
    codes = [coding.get("code") for coding in wanted.get("statusReason", {}).get("coding", [])]
    chosen = [code for code in codes if code in allowed]
    if not chosen:
        _unprocessable(
            "required", f"a rejection needs Task.statusReason coding one of: {', '.join(allowed)}", "Task.statusReason"
        )
    return chosen[0]


def _handoff_move(wanted: dict[str, Any], settings: HandoffSettings) -> Any:
    target = wanted["status"]
    if target == "rejected":
        return partial(decline_handoff, reason=DeclineReason(_reason_code(wanted, tuple(DeclineReason))))
    return {
        "received": receive_handoff,
        "accepted": partial(accept_handoff, settings=settings),
        "in-progress": start_handoff,
        "completed": complete_handoff,
    }[target]


def _referral_move(uow: UnitOfWork, wanted: dict[str, Any]) -> Any:
    if wanted["status"] == "completed":
        result = ReferralResult.CLIENT_ACCEPTED
    else:
        result = ReferralResult(_reason_code(wanted, tuple(REFERRAL_REJECTIONS)))
    return partial(record_result, result=result, result_date=uow.clock.now())


def move(uow: UnitOfWork, row: Row, wanted: dict[str, Any], settings: HandoffSettings) -> dict[str, Any]:
    """Make the move the wanted Task asks for, commit it, and answer the Task as it now is."""
    target, handoff = wanted["status"], isinstance(row, Handoff)
    targets = HANDOFF_TARGETS if handoff else ("completed", "rejected")
    if target not in targets:
        if target == row.status:
            return task(row)  # nothing asked: the Task as it is
        moves = ", ".join(targets)
        what = "a handoff's owner moves it to" if handoff else "a referral takes its HMIS 4.20 result as"
        _unprocessable("not-supported", f"Task.status {target!r}: {what} {moves}", "Task.status")
    try:
        if handoff:
            moved = _handoff_move(wanted, settings)(uow, row.handoff_id, row.to_party)
        else:
            moved = _referral_move(uow, wanted)(uow, row.referral_id, row.to_party)
    except (HandoffNotFound, ReferralNotFound):
        refuse(status.HTTP_404_NOT_FOUND, "not-found", f"Task/{wanted['id']} is not known here")
    except StatusConflict as conflict:
        diagnostics = f"{conflict.message} (current status: {conflict.current_status})"
        refuse(status.HTTP_409_CONFLICT, "conflict", diagnostics, "Task.status")
    uow.commit()
    return task(moved)
