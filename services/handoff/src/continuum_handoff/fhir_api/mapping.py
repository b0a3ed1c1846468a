"""Handoffs and referrals as FHIR R4 Tasks, each with the ServiceRequest it asks to fulfil (same id).

Built as dicts and checked with the fhir.resources models (their R4B package: Task, ServiceRequest, Bundle,
OperationOutcome and CapabilityStatement read and write the same JSON in R4 4.0.1) before they leave.

No PHI: handoff knows no person. ``Task.for`` and ``ServiceRequest.subject`` are a logical reference to the
person of the episode (the episode id, under a Continuum identifier system); a partner asks for the person's
record through the disclosure route, which intake answers as the person consented. Parties are logical
references to Organizations by their Continuum partner id (there is no Organization endpoint here).

A referral is an SDOHCC Task For Referral Management (Gravity): intent order, code fulfill, focus its
ServiceRequest, for, authoredOn, requester, owner. Its HMIS 4.20 referral result sets the status as the
domain does (client accepted: completed; client or provider rejected: rejected) and is carried as Gravity
carries a referral's outcome: businessStatus, the result as Task.output (with its date), and on a rejection
the statusReason (coded, with text). A warm handoff uses ``received``, which the SDOHCC referral status value
set excludes, so it is a plain R4 Task; its decline reason is its statusReason.
"""

from datetime import datetime
from typing import Any

from continuum_contracts.vocabulary import ReferralKind, TaskStatus
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from continuum_handoff.domain import ReferralResult
from continuum_handoff.store import Handoff, Referral

Row = Handoff | Referral
PARTNER_SYSTEM = "urn:continuum:partner"
EPISODE_SYSTEM = "urn:continuum:episode"
REASON_SYSTEM = "urn:continuum:status-reason"
KIND_SYSTEM = "urn:continuum:handoff-kind"
HMIS_RESULT_SYSTEM = "urn:continuum:hmis:4.20:referral-result"
HMIS_EVENT_SYSTEM = "urn:continuum:hmis:4.20:coordinated-entry-event"
HMIS_LIVING_SYSTEM = "urn:continuum:hmis:4.12:current-living-situation"
OUTPUT_SYSTEM = "urn:continuum:task-output"
TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"
SDOHCC_CODES = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
SDOHCC_TASK = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"
RESULT_DISPLAY = {
    ReferralResult.CLIENT_ACCEPTED: "Successful referral: client accepted",
    ReferralResult.CLIENT_REJECTED: "Unsuccessful referral: client rejected",
    ReferralResult.PROVIDER_REJECTED: "Unsuccessful referral: provider rejected",
}
SDOH_CATEGORY = {ReferralKind.HOUSING_COORDINATED_ENTRY: ("homelessness", "Homelessness")}
# The ServiceRequest behind a Task: still asked for while the Task may go on, then done or withdrawn.
REQUEST_STATUS = {
    TaskStatus.COMPLETED: "completed",
    TaskStatus.REJECTED: "revoked",
    TaskStatus.CANCELLED: "revoked",
    TaskStatus.FAILED: "revoked",
}
COUNTY = {"type": "Organization", "display": "the county crisis system (Continuum)"}


def instant(moment: datetime) -> str:
    return moment.isoformat()


def party(partner_id: str) -> dict[str, Any]:
    return {
        "type": "Organization",
        "identifier": {"system": PARTNER_SYSTEM, "value": partner_id},
        "display": partner_id,
    }


def person_of(row: Row) -> dict[str, Any]:
    return {
        "type": "Patient",
        "identifier": {"system": EPISODE_SYSTEM, "value": str(row.episode_id)},
        "display": "the person of this crisis episode (no identity is held here)",
    }


def task_id(row: Row) -> str:
    return str(row.handoff_id if isinstance(row, Handoff) else row.referral_id)


def last_updated(row: Row) -> datetime:
    if isinstance(row, Handoff):
        return row.updated_at
    return row.updated_at or row.closed_at or row.sent_at


def coded(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    shown = display or code.replace("_", " ")
    return {"coding": [{"system": system, "code": code, "display": shown}], "text": shown}


def _handoff_reason(handoff: Handoff) -> dict[str, Any] | None:
    if handoff.status == TaskStatus.REJECTED and handoff.decline_reason:
        return coded(REASON_SYSTEM, handoff.decline_reason)
    if handoff.status == TaskStatus.CANCELLED and handoff.cancel_reason:
        return coded(REASON_SYSTEM, handoff.cancel_reason)
    return None


def _handoff_task(handoff: Handoff) -> dict[str, Any]:
    period = {"start": handoff.started_at or handoff.accepted_at, "end": handoff.completed_at}
    return {
        "description": f"warm handoff: {handoff.kind or 'handoff'}",
        "authoredOn": instant(handoff.requested_at),
        "requester": party(handoff.from_party),
        "statusReason": _handoff_reason(handoff),
        "executionPeriod": {key: instant(value) for key, value in period.items() if value is not None} or None,
        "restriction": {"period": {"end": instant(handoff.accept_by)}} if handoff.accept_by else None,
    }


def _result_output(referral: Referral) -> list[dict[str, Any]] | None:
    if referral.result is None:
        return None
    result = ReferralResult(referral.result)
    outputs = [
        {
            "type": coded(OUTPUT_SYSTEM, "hmis-4.20-referral-result", "HMIS 4.20 referral result"),
            "valueCodeableConcept": coded(HMIS_RESULT_SYSTEM, result, RESULT_DISPLAY[result]),
        }
    ]
    if referral.result_date is not None:
        outputs.append(
            {
                "type": coded(OUTPUT_SYSTEM, "hmis-4.20-date-of-result", "HMIS 4.20 date of result"),
                "valueDateTime": instant(referral.result_date),
            }
        )
    return outputs


def _referral_reason(referral: Referral) -> dict[str, Any] | None:
    if referral.result is not None and referral.status == TaskStatus.REJECTED:
        result = ReferralResult(referral.result)
        return coded(HMIS_RESULT_SYSTEM, result, RESULT_DISPLAY[result])
    if referral.status == TaskStatus.CANCELLED and referral.close_reason:
        return coded(REASON_SYSTEM, referral.close_reason)
    return None


def _referral_task(referral: Referral) -> dict[str, Any]:
    result = ReferralResult(referral.result) if referral.result else None
    return {
        "meta": {"profile": [SDOHCC_TASK]},
        "description": f"referral: {referral.kind}",
        "authoredOn": instant(referral.sent_at),
        "requester": COUNTY,
        "statusReason": _referral_reason(referral),
        "businessStatus": coded(HMIS_RESULT_SYSTEM, result, RESULT_DISPLAY[result]) if result else None,
        "output": _result_output(referral),
        "executionPeriod": {"end": instant(referral.result_date)} if referral.result_date else None,
    }


def _dump(model: Any, shown: dict[str, Any]) -> dict[str, Any]:
    shown = {key: value for key, value in shown.items() if value is not None}
    return model.model_validate(shown).model_dump(mode="json", exclude_none=True, by_alias=True)


def task(row: Row) -> dict[str, Any]:
    """The Task of a handoff or referral, checked against the FHIR model."""
    own = _handoff_task(row) if isinstance(row, Handoff) else _referral_task(row)
    meta = {**own.pop("meta", {}), "lastUpdated": instant(last_updated(row))}
    shown = {
        "resourceType": "Task",
        "id": task_id(row),
        "meta": meta,
        "status": row.status,
        "intent": "order",
        "code": coded(TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request"),
        "focus": {"reference": f"ServiceRequest/{task_id(row)}", "type": "ServiceRequest"},
        "for": person_of(row),
        "owner": party(row.to_party),
        "lastModified": meta["lastUpdated"],
        **own,
    }
    return _dump(Task, shown)


def _asked(row: Row) -> dict[str, Any]:
    if isinstance(row, Handoff):
        kind = row.kind or "warm_handoff"
        return {
            "category": [{"text": "warm handoff"}],
            "code": coded(KIND_SYSTEM, kind),
            "requester": party(row.from_party),
            "authoredOn": instant(row.requested_at),
        }
    kind = ReferralKind(row.kind)
    category = SDOH_CATEGORY.get(kind)
    asked: dict[str, Any] = {
        "category": [coded(SDOHCC_CODES, *category)] if category else [{"text": kind.replace("_", " ")}],
        "code": coded(HMIS_EVENT_SYSTEM, row.hmis_event) if row.hmis_event else coded(KIND_SYSTEM, kind),
        "requester": COUNTY,
        "authoredOn": instant(row.sent_at),
    }
    if row.living_situation:
        asked["reasonCode"] = [coded(HMIS_LIVING_SYSTEM, row.living_situation)]
    return asked


def service_request(row: Row) -> dict[str, Any]:
    """What a Task asks for: the kind of handoff or referral, its parties; nothing about the person."""
    shown = {
        "resourceType": "ServiceRequest",
        "id": task_id(row),
        "meta": {"lastUpdated": instant(last_updated(row))},
        "status": REQUEST_STATUS.get(TaskStatus(row.status), "active"),
        "intent": "order",
        "subject": person_of(row),
        "performer": [party(row.to_party)],
        **_asked(row),
    }
    return _dump(ServiceRequest, shown)
