"""What the "needs a human" queue shows, and in which order.

The order is urgency first, then the episode's acuity, then the newest item first:

1. ``safety_backup_requested``: a team on scene reported danger;
2. ``team_dropped_out``: a team went offline or silent on its way, so a person waits and a team may need help;
3. ``no_team``: nobody is going;
4. ``no_place``: a team has a person and no place of the kind has room (or the place declined them);
5. ``target_missed``: someone is going, late;
6. ``handoff_not_accepted``, 7. ``handoff_stalled``: a person waits at a handoff;
8. ``checkins_exhausted``: nobody could reach the person after the crisis;
9. ``referral_unanswered``: a partner has not answered a referral.

Within one kind an emergent episode comes before an urgent one, then routine, then one not yet triaged; within one
acuity the newest item comes first. An acknowledged item keeps its place (it shows who took it); a resolved one
leaves the queue. Waited time runs from the escalating event's time to the board's clock.
"""

from datetime import datetime
from uuid import UUID

from continuum_contracts.vocabulary import EscalationKind as Kind
from sqlmodel import Session, col, select

from continuum_board.store import EpisodeRow, EscalationRow

URGENCY = {
    kind: rank
    for rank, kind in enumerate(
        [
            Kind.SAFETY_BACKUP_REQUESTED,
            Kind.TEAM_DROPPED_OUT,
            Kind.NO_TEAM,
            Kind.NO_PLACE,
            Kind.TARGET_MISSED,
            Kind.HANDOFF_NOT_ACCEPTED,
            Kind.HANDOFF_STALLED,
            Kind.CHECKINS_EXHAUSTED,
            Kind.REFERRAL_UNANSWERED,
        ]
    )
}
ACUITY_ORDER = {"emergent": 0, "urgent": 1, "routine": 2}
MAX_ITEMS = 500


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def item(row: EscalationRow, episode: EpisodeRow | None, now: datetime) -> dict:
    until = row.resolved_at or now
    return {
        "escalation_id": row.escalation_id,
        "episode_id": str(row.episode_id),
        "kind": row.kind,
        "reason": row.reason,
        "subject_id": row.subject_id,
        "party": row.party,
        "acuity": episode.acuity if episode else None,
        "stage": episode.stage if episode else None,
        "urgency": URGENCY.get(Kind(row.kind), len(URGENCY)) + 1,
        "raised_at": row.raised_at.isoformat(),
        "waited_seconds": max(int((until - row.raised_at).total_seconds()), 0),
        "state": row.state,
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_at": _iso(row.acknowledged_at),
        "resolved_by": row.resolved_by,
        "resolved_at": _iso(row.resolved_at),
        "resolution": row.resolution,
        "to_party": row.to_party,
    }


def order_key(entry: dict) -> tuple:
    return (
        entry["urgency"],
        ACUITY_ORDER.get(entry["acuity"] or "", 3),
        -datetime.fromisoformat(entry["raised_at"]).timestamp(),
    )


def needs_a_human(session: Session, now: datetime) -> list[dict]:
    """The open and acknowledged items, most urgent and newest first."""
    rows = session.exec(
        select(EscalationRow)
        .where(col(EscalationRow.state) != "resolved")
        .order_by(col(EscalationRow.raised_at).desc())
        .limit(MAX_ITEMS)
    ).all()
    episodes = _episodes(session, {row.episode_id for row in rows})
    return sorted((item(row, episodes.get(row.episode_id), now) for row in rows), key=order_key)


def one(session: Session, row: EscalationRow, now: datetime) -> dict:
    return item(row, session.get(EpisodeRow, row.episode_id), now)


def _episodes(session: Session, ids: set[UUID]) -> dict[UUID, EpisodeRow]:
    if not ids:
        return {}
    return {e.episode_id: e for e in session.exec(select(EpisodeRow).where(col(EpisodeRow.episode_id).in_(ids))).all()}
