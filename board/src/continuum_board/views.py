"""What the board shows, read from the read model: the "needs a human" queue, open episodes, response timers,
teams, beds, handoffs waiting for acceptance, open referrals, follow-ups due, and the KPIs. Codes, times and
pseudonymous ids only."""

import threading
from collections import Counter, defaultdict
from datetime import datetime
from uuid import UUID

from sqlalchemy import func
from sqlmodel import Session, col, select

from continuum_board import queue, roster
from continuum_board.config import BoardSettings
from continuum_board.kpis import KpiSource, dimensions
from continuum_board.store import EpisodeRow, EventRow, FollowupRow, HandoffRow, ReferralRow, ReservationRow, TeamRow

ACUITY_ORDER = {"emergent": 0, "urgent": 1, "routine": 2}
STAGES = ("pre_crisis", "sub_acute", "acute", "stabilization", "post_crisis")
WAITING_HANDOFF = ("requested", "received")
ENDED_REFERRAL = ("answered", "closed", "handed_on")
MAX_OPEN = 500


def version(session: Session) -> int:
    """The read model's position: the last event it applied (0 before any)."""
    return session.exec(select(func.max(col(EventRow.seq)))).one() or 0


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _episode(row: EpisodeRow, now: datetime) -> dict:
    waiting = row.target_due is not None and row.arrived_at is None and row.resolved_at is None
    return {
        "episode_id": str(row.episode_id),
        "stage": row.stage,
        "acuity": row.acuity,
        "program": row.program,
        "channel": row.channel,
        "area": row.area,
        "opened_at": _iso(row.opened_at),
        "triaged_at": _iso(row.triaged_at),
        "response_type": row.response_type,
        "responder_id": row.responder_id,
        "response_status": row.response_status,
        "eta_minutes": row.eta_minutes,
        "assigned_at": _iso(row.assigned_at),
        "arrived_at": _iso(row.arrived_at),
        "target_minutes": row.target_minutes,
        "target_due": _iso(row.target_due) if waiting else None,
        "late": bool(waiting and row.target_due is not None and now > row.target_due),
        "escalated": row.escalated,
        "deflected": row.deflected,
        "updated_at": _iso(row.updated_at),
    }


def open_episodes(session: Session, now: datetime) -> list[dict]:
    rows = session.exec(
        select(EpisodeRow)
        .where(col(EpisodeRow.closed_at).is_(None))
        .order_by(col(EpisodeRow.updated_at).desc())
        .limit(MAX_OPEN)
    ).all()
    episodes = [_episode(row, now) for row in rows]
    episodes.sort(key=lambda e: (not e["late"], ACUITY_ORDER.get(e["acuity"] or "", 3), e["opened_at"] or ""))
    return episodes


def by_stage(episodes: list[dict]) -> dict[str, dict[str, int]]:
    grid: dict[str, Counter] = {stage: Counter() for stage in STAGES}
    for episode in episodes:
        grid.setdefault(episode["stage"] or "unknown", Counter())[episode["acuity"] or "unknown"] += 1
    return {stage: dict(counts) for stage, counts in grid.items()}


def teams(session: Session) -> list[dict]:
    """Every team the events or dispatch's roster know: what it is doing (events), and its roster status."""
    rows = {t.responder_id: t for t in session.exec(select(TeamRow)).all()}
    listed = roster.teams(session)
    result = []
    for responder_id in sorted(set(rows) | set(listed)):
        t, r = rows.get(responder_id), listed.get(responder_id)
        status = t.status if t else "available"
        if r is not None and r.status == "offline":
            status = "offline"  # dispatch's roster says so, even of a team no event has named
        result.append(
            {
                "responder_id": responder_id,
                "status": status,
                "response_type": t.response_type if t else None,
                "episode_id": str(t.episode_id) if t and t.episode_id else None,
                "updated_at": _iso(t.updated_at if t else r.fetched_at if r else None),
                "roster_status": r.status if r else None,
                "on_duty": r.on_duty if r else None,
            }
        )
    return result


def places(session: Session, settings: BoardSettings) -> list[dict]:
    """Holds and admissions from the events; capacity from dispatch's roster, else the county's settings."""
    counts: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for row in session.exec(select(ReservationRow)).all():
        counts[row.place_id][row.state] += 1
        kinds[row.place_id] = row.place_type
    listed = roster.places(session)
    result = []
    for place_id in sorted(set(counts) | set(settings.place_capacity) | set(listed)):
        held, occupied = counts[place_id]["held"], counts[place_id]["admitted"]
        known = listed.get(place_id)
        capacity = known.capacity if known else settings.place_capacity.get(place_id)
        accepting = known.accepting if known else True
        result.append(
            {
                "place_id": place_id,
                "place_type": kinds.get(place_id) or (known.place_type if known else None),
                "held": held,
                "occupied": occupied,
                "capacity": capacity,
                "available": None if capacity is None else max(capacity - held - occupied, 0) if accepting else 0,
                "accepting": accepting,
            }
        )
    return result


def handoffs_waiting(session: Session, now: datetime) -> list[dict]:
    rows = session.exec(
        select(HandoffRow).where(col(HandoffRow.status).in_(WAITING_HANDOFF)).order_by(col(HandoffRow.requested_at))
    ).all()
    return [
        {
            "handoff_id": str(h.handoff_id),
            "episode_id": str(h.episode_id),
            "from_party": h.from_party,
            "to_party": h.to_party,
            "kind": h.kind,
            "status": h.status,
            "requested_at": _iso(h.requested_at),
            "accept_by": _iso(h.accept_by),
            "overdue": bool(h.escalated or (h.accept_by is not None and now > h.accept_by)),
        }
        for h in rows
    ]


def followups_due(session: Session, now: datetime) -> list[dict]:
    rows = session.exec(
        select(FollowupRow).where(FollowupRow.status == "scheduled").order_by(col(FollowupRow.due_at))
    ).all()
    return [
        {
            "followup_id": str(f.followup_id),
            "episode_id": str(f.episode_id),
            "sequence": f.sequence,
            "due_at": _iso(f.due_at),
            "channel": f.channel,
            "recipient": f.recipient,
            "assigned_peer": f.assigned_peer,
            "attempts": f.attempts,
            "overdue": now > f.due_at,
        }
        for f in rows
    ]


def referrals(session: Session) -> list[dict]:
    """Referrals whose loop is still open (sent, reminded, escalated, kept open), oldest first."""
    rows = session.exec(
        select(ReferralRow).where(col(ReferralRow.state).not_in(ENDED_REFERRAL)).order_by(col(ReferralRow.sent_at))
    ).all()
    return [
        {
            "referral_id": str(r.referral_id),
            "episode_id": str(r.episode_id),
            "kind": r.kind,
            "to_party": r.to_party,
            "status": r.status,
            "state": r.state,
            "sent_at": _iso(r.sent_at),
            "reminders": r.reminders,
            "replaces": str(r.replaces) if r.replaces else None,
            "owner": r.owner,
            "review_at": _iso(r.review_at),
            "reason": r.reason,
            "updated_at": _iso(r.updated_at),
        }
        for r in rows
    ]


def kpi_table(source: KpiSource, by: str, session: Session | None = None) -> dict:
    total, groups = source.load([by], session)
    return {
        "by": by,
        "total": total.summary(),
        "groups": [{by: key[0], **kpis.summary()} for key, kpis in sorted(groups.items())],
    }


def snapshot(session: Session, now: datetime, settings: BoardSettings, source: KpiSource, kpi_by: str) -> dict:
    episodes = open_episodes(session, now)
    return {
        "now": now.isoformat(),
        "version": version(session),
        "queue": queue.needs_a_human(session, now),
        "episodes": episodes,
        "stages": by_stage(episodes),
        "late": sum(1 for e in episodes if e["late"]),
        "teams": teams(session),
        "places": places(session, settings),
        "handoffs_waiting": handoffs_waiting(session, now),
        "followups_due": followups_due(session, now),
        "referrals": referrals(session),
        "kpis": kpi_table(source, kpi_by, session),
        "kpi_dimensions": list(dimensions(settings)),
    }


class Snapshots:
    """One board per read-model position and KPI breakdown, shared by every open stream (for a few seconds:
    timers and due times move with the clock even when no event arrives)."""

    def __init__(self, settings: BoardSettings, source: KpiSource, max_age_seconds: float = 5.0) -> None:
        self.settings, self.source, self.max_age = settings, source, max_age_seconds
        self._cache: dict[str, tuple[int, datetime, dict]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, now: datetime, position: int, by: str) -> dict:
        with self._lock:
            cached = self._cache.get(by)
            if cached and cached[0] == position and 0 <= (now - cached[1]).total_seconds() < self.max_age:
                return cached[2]
            body = snapshot(session, now, self.settings, self.source, by)
            self._cache[by] = (position, now, body)
            return body


def timeline(session: Session, episode_id: UUID) -> list[dict]:
    rows = session.exec(select(EventRow).where(EventRow.episode_id == episode_id).order_by(col(EventRow.seq))).all()
    return [
        {
            "position": position,
            "event_id": row.event_id,
            "type": row.type,
            "source": row.source,
            "time": _iso(row.time),
            "trace_id": row.trace_id,
            "data": row.data,
        }
        for position, row in enumerate(rows, start=1)
    ]
