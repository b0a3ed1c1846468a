"""The county's reports: law-enforcement deflection by program, call type or demographic, and the audit trail."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from continuum_kit.service import SessionDep
from continuum_kit.strict_types import IsoDatetime
from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel
from sqlmodel import col, select

from continuum_dispatch.api.deps import ADMIN, SettingsDep
from continuum_dispatch.deflection import FIXED_GROUPS, Count, tally
from continuum_dispatch.store import AuditEntry, Deflection

router = APIRouter(tags=["reports"])


class Tally(BaseModel):
    eligible: int
    deflected: int
    rate: float | None


class Group(Tally):
    key: dict[str, str | None]


class DeflectionReport(Tally):
    by: list[str]
    since: datetime | None
    until: datetime | None
    groups: list[Group]


class AuditOut(BaseModel):
    audit_id: UUID
    at: datetime
    actor: str
    action: str
    outcome: str
    response_id: UUID | None


def _tally(count: Count) -> dict:
    return {"eligible": count.eligible, "deflected": count.deflected, "rate": count.rate}


@router.get("/reports/deflections", response_model=DeflectionReport, dependencies=ADMIN)
def deflection_report(
    session: SessionDep,
    settings: SettingsDep,
    by: Annotated[list[str], Query(description="program, call_type, channel or a county demographic field")] = [],  # noqa: B006 - FastAPI copies query defaults
    since: IsoDatetime | None = None,
    until: IsoDatetime | None = None,
) -> DeflectionReport:
    """Eligible 911/311 calls and how many were answered without police, in total and per group.

    County operators only: small demographic groups could point to a person."""
    allowed = [*FIXED_GROUPS, *settings.demographic_fields]
    unknown = [name for name in by if name not in allowed]
    if unknown:
        detail = [
            {"type": "unknown_group", "loc": ["query", "by"], "msg": f"by must be one of {allowed}", "input": unknown}
        ]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)
    query = select(Deflection)
    if since is not None:
        query = query.where(col(Deflection.at) >= since)
    if until is not None:
        query = query.where(col(Deflection.at) < until)
    calls = (
        ({**d.demographics, "program": d.program, "call_type": d.call_type, "channel": d.channel}, d.deflected)
        for d in session.exec(query).all()
    )
    total, groups = tally(calls, by)
    ordered = sorted(groups.items(), key=lambda item: tuple(value or "" for value in item[0]))
    return DeflectionReport(
        by=by,
        since=since,
        until=until,
        **_tally(total),
        groups=[Group(key=dict(zip(by, key, strict=True)), **_tally(count)) for key, count in ordered],
    )


@router.get("/audit", response_model=list[AuditOut], dependencies=ADMIN)
def list_audit(
    session: SessionDep, response_id: UUID | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditOut]:
    """Newest first."""
    query = select(AuditEntry).order_by(col(AuditEntry.at).desc()).limit(limit)
    if response_id is not None:
        query = query.where(AuditEntry.response_id == response_id)
    return [AuditOut.model_validate(entry, from_attributes=True) for entry in session.exec(query).all()]
