"""FHIR search on Task: ``owner``, ``status``, ``_lastUpdated`` (gt/ge/lt/le), ``_id``, ``_count``.

A partner's search holds only the Tasks it may read. A partner naming another party in ``owner`` is refused
(403) before anything is looked up, so the answer tells nothing of others. Values of one parameter separated
by commas are alternatives (OR); parameters, and a repeated ``_lastUpdated`` (a range), all hold (AND).
Results come oldest change first, so a partner that polls with ``_lastUpdated=gt`` the last ``meta.lastUpdated``
it saw misses nothing; beyond ``_count`` (100 by default, at most 1000) it polls again from there.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from continuum_kit.fhir import named, refuse
from fastapi import status
from sqlalchemy import Engine, func
from sqlmodel import Session, col, or_, select

from continuum_handoff.fhir_api.mapping import PARTNER_SYSTEM, Row, last_updated, task_id
from continuum_handoff.store import Handoff, Referral

TASK_STATUSES = frozenset(
    {
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    }
)
SEARCH_PARAMETERS = ("owner", "status", "_lastUpdated", "_id", "_count", "_format")
FORMATS = {"json", "application/json", "application/fhir+json"}
COMPARATORS = ("gt", "ge", "lt", "le")
DEFAULT_COUNT, MAX_COUNT = 100, 1000


@dataclass
class TaskQuery:
    owners: set[str] | None = None
    statuses: set[str] | None = None
    ids: set[UUID] | None = None
    after: list[tuple[str, datetime]] = field(default_factory=list)  # (comparator, instant)
    count: int = DEFAULT_COUNT


def _invalid(parameter: str, message: str, code: str = "invalid") -> None:
    refuse(status.HTTP_400_BAD_REQUEST, code, f"search parameter {parameter}: {message}", parameter)


def _owner(value: str) -> str:
    """The partner id a reference names: ``id``, ``Organization/id``, an absolute URL or ``system|id``."""
    if value.startswith(f"{PARTNER_SYSTEM}|"):
        return value.removeprefix(f"{PARTNER_SYSTEM}|")
    if "/" in value:
        kind, _, partner_id = value.rstrip("/").rpartition("/")
        if not kind.endswith("Organization"):
            _invalid("owner", f"{named(value)} is not an Organization reference")
        return partner_id
    return value


def _instant(value: str) -> tuple[datetime, datetime]:
    """The range a FHIR date or dateTime covers: a day for a date, the instant itself for a dateTime."""
    try:
        if len(value) == 10:
            start = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        _invalid("_lastUpdated", f"{named(value)} is not a FHIR date or dateTime")
    if moment.tzinfo is None:
        _invalid("_lastUpdated", f"{named(value)} has a time but no time zone")
    return moment, moment


def _bounds(value: str) -> list[tuple[str, datetime]]:
    comparator, moment = value[:2], value[2:]
    if comparator not in COMPARATORS:
        _invalid("_lastUpdated", f"{named(value)}: give a prefix gt, ge, lt or le", "not-supported")
    start, end = _instant(moment)
    exact = start == end
    return {
        "gt": [("gt" if exact else "ge", end)],
        "ge": [("ge", start)],
        "lt": [("lt", start)],
        "le": [("le" if exact else "lt", end)],
    }[comparator]


def _count(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) <= MAX_COUNT:
        _invalid("_count", f"{named(value)} is not a whole number from 1 to {MAX_COUNT}")
    return int(value)


def parse(params: list[tuple[str, str]], partner_id: str | None) -> TaskQuery:
    """The query a search asks for, or a 400 naming the parameter (403 for another party's owner)."""
    query = TaskQuery()
    for name, value in params:
        values = [part for part in value.split(",") if part]
        if name == "owner":
            query.owners = {_owner(part) for part in values}
        elif name == "status":
            unknown = sorted(set(values) - TASK_STATUSES)
            if unknown or not values:
                _invalid("status", f"{named(', '.join(unknown) or value)} is not a FHIR Task status", "code-invalid")
            query.statuses = set(values)
        elif name == "_lastUpdated":
            query.after += _bounds(value)
        elif name == "_id":
            query.ids = {UUID(part) for part in values if _is_uuid(part)}
        elif name == "_count":
            query.count = _count(value)
        elif name == "_format":
            if value not in FORMATS:
                _invalid("_format", f"{named(value)}: this server answers JSON only", "not-supported")
        else:
            refuse(
                status.HTTP_400_BAD_REQUEST,
                "not-supported",
                f"unknown search parameter {named(name)} on Task; supported: {', '.join(SEARCH_PARAMETERS)}",
                name,
            )
    if partner_id is not None and query.owners is not None and query.owners != {partner_id}:
        refuse(
            status.HTTP_403_FORBIDDEN,
            "forbidden",
            f"search parameter owner: a partner searches only its own Tasks (owner={partner_id})",
            "owner",
        )
    return query


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _compare(column: Any, comparator: str, moment: datetime) -> Any:
    return {"gt": column > moment, "ge": column >= moment, "lt": column < moment, "le": column <= moment}[comparator]


def _select(table: type[Handoff] | type[Referral], query: TaskQuery, partner_id: str | None) -> tuple[Any, Any]:
    """The rows' query, and the time of their last change (to filter and order by)."""
    changed = col(Handoff.updated_at) if table is Handoff else func.coalesce(Referral.updated_at, Referral.sent_at)
    chosen = select(table)
    if partner_id is not None:
        readers = [table.to_party == partner_id]
        if table is Handoff:
            readers.append(Handoff.from_party == partner_id)
        chosen = chosen.where(or_(*readers))
    if query.owners is not None:
        chosen = chosen.where(col(table.to_party).in_(query.owners))
    if query.statuses is not None:
        chosen = chosen.where(col(table.status).in_(query.statuses))
    if query.ids is not None:
        key = col(Handoff.handoff_id) if table is Handoff else col(Referral.referral_id)
        chosen = chosen.where(key.in_(query.ids))
    for comparator, moment in query.after:
        chosen = chosen.where(_compare(changed, comparator, moment))
    return chosen, changed


def find(engine: Engine, query: TaskQuery, partner_id: str | None) -> tuple[list[Row], int]:
    """The matching handoffs and referrals, oldest change first (at most ``count``), and how many matched."""
    if query.ids is not None and not query.ids:
        return [], 0
    rows: list[Row] = []
    total = 0
    with Session(engine, expire_on_commit=False) as session:
        for table in (Handoff, Referral):
            chosen, changed = _select(table, query, partner_id)
            total += session.exec(select(func.count()).select_from(chosen.subquery())).one()
            rows += session.exec(chosen.order_by(changed).limit(query.count)).all()
    rows.sort(key=lambda row: (last_updated(row), task_id(row)))
    return rows[: query.count], total
