"""A person's crisis plan (WRAP, psychiatric advance directive) as codes, recorded ahead of a crisis.

Free text stays out: what helps, what to avoid, the language and the place are codes a county agrees
on, because triage puts them on the episode's events for responders to honour.
"""

from datetime import datetime
from uuid import UUID

from continuum_kit.service import SessionDep, UnitOfWorkDep
from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from continuum_intake.api.resource_guards import PlanReaderDep, PlanWriterDep
from continuum_intake.api.validation import PhiSafeRoute
from continuum_intake.config import Code
from continuum_intake.store import CrisisPlan

router = APIRouter(prefix="/v1/people", tags=["crisis plans"], route_class=PhiSafeRoute)


class CrisisPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    peer_preferred: bool = Field(default=False, description="the person asks for a peer on any response")
    language: Code | None = Field(default=None, description="e.g. an ISO 639 code")
    preferred_place: Code | None = Field(default=None, description="e.g. peer_respite")
    helps: list[Code] = Field(default=[], max_length=20, description="codes, e.g. quiet_space, call_sister")
    avoid: list[Code] = Field(default=[], max_length=20, description="codes, e.g. restraint, sirens")


class CrisisPlanOut(CrisisPlanIn):
    person_id: UUID
    recorded_by: str
    recorded_at: datetime


def _out(plan: CrisisPlan) -> CrisisPlanOut:
    return CrisisPlanOut.model_validate(plan, from_attributes=True)


@router.put("/{person_id}/crisis-plan", response_model=CrisisPlanOut, summary="Record or replace a crisis plan")
def put_crisis_plan(person_id: UUID, body: CrisisPlanIn, writer: PlanWriterDep, uow: UnitOfWorkDep) -> CrisisPlanOut:
    recorded_by = writer.name
    plan = uow.session.get(CrisisPlan, person_id) or CrisisPlan(person_id=person_id, recorded_by=recorded_by)
    for name, value in body.model_dump().items():
        setattr(plan, name, value)
    plan.recorded_by, plan.recorded_at = recorded_by, uow.clock.now()
    uow.session.add(plan)
    uow.commit()
    return _out(plan)


@router.get("/{person_id}/crisis-plan", response_model=CrisisPlanOut)
def get_crisis_plan(person_id: UUID, _reader: PlanReaderDep, session: SessionDep) -> CrisisPlanOut:
    plan = session.get(CrisisPlan, person_id)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no crisis plan for person {person_id}")
    return _out(plan)
