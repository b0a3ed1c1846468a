"""The match-review queue, for the county's supervisors: records that may be one person (intake never merges)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from continuum_kit.service import SessionDep
from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import col, select

from continuum_intake.api.auth import AdminOnly
from continuum_intake.api.validation import PhiSafeRoute
from continuum_intake.store import MatchReview

router = APIRouter(prefix="/v1", dependencies=[AdminOnly], route_class=PhiSafeRoute)


class ReviewOut(BaseModel):
    review_id: UUID
    person_id: UUID
    candidate_person_id: UUID
    reason: str
    status: str
    created_at: datetime


@router.get("/reviews", response_model=list[ReviewOut], tags=["admin"], summary="Records that may be one person")
def list_reviews(
    session: SessionDep,
    review_status: Annotated[str | None, Query(alias="status", pattern="^(open|merged|dismissed)$")] = "open",
) -> list[ReviewOut]:
    query = select(MatchReview).order_by(col(MatchReview.created_at))
    if review_status is not None:
        query = query.where(MatchReview.status == review_status)
    return [ReviewOut.model_validate(review, from_attributes=True) for review in session.exec(query).all()]
