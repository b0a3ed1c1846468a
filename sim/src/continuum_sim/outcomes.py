"""The day's outcome report, computed from what the partner systems posted and what the topic carried.

Every number comes from events (codes and pseudonymous ids only) and their CloudEvents times, which are the
services' simulated clock: contacts by channel, responses by type, law-enforcement deflection, response
times against the area's target, warm handoffs, housing referrals, follow-ups within 72 hours and closures.
"""

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from continuum_sim.journeys import Seen

P = "continuum."
DEFLECTION_CHANNELS = frozenset({"911_transfer", "311_request"})
FOLLOWUP_WINDOW = timedelta(hours=72)


@dataclass(frozen=True)
class PostedContact:
    """What the report needs of a posted contact: its channel and episode."""

    channel: str
    episode_id: str


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank percentile (``q`` in 0..100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _of(events: Iterable[Seen], kind: str) -> list[Seen]:
    return [e for e in events if e.type == f"{P}{kind}.v1"]


def _minutes(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / 60, 1)


def _eligible(contact: dict, types: set[str]) -> bool:
    if contact["channel"] not in DEFLECTION_CHANNELS:
        return False
    call_type = contact.get("call_type")
    return call_type is None and contact["channel"] == "311_request" or (call_type or "").upper() in types


def deflection(triaged: Iterable[dict], deflected: int, eligible_call_types: Iterable[str]) -> dict:
    """911/311 contacts of a call type a crisis team can answer, and how many were answered without police."""
    types = {t.upper() for t in eligible_call_types}
    eligible = sum(1 for t in triaged if _eligible(t, types))
    return {"eligible": eligible, "deflected": deflected, "rate": rate(deflected, eligible)}


NO_CALL_TYPE = "(none: 311)"  # a 311 request without a service code: non-emergency, eligible by definition


def deflection_by_call_type(
    triaged: Sequence[dict], deflected: Sequence[dict], eligible_call_types: Iterable[str]
) -> list[dict]:
    """The eligible 911/311 contacts by call type, and those answered without police (the deflection events
    carry the call type), in call-type order."""
    types = {t.upper() for t in eligible_call_types}
    eligible = Counter((t.get("call_type") or "").upper() or NO_CALL_TYPE for t in triaged if _eligible(t, types))
    answered = Counter((d.get("call_type") or "").upper() or NO_CALL_TYPE for d in deflected)
    return [
        {"call_type": call_type, "eligible": eligible[call_type], "deflected": answered[call_type]}
        for call_type in sorted(eligible.keys() | answered.keys())
    ]


def response_times(episodes: Mapping[str, list[Seen]]) -> dict:
    """From a crisis team's first assignment to its arrival on scene (a replacement carries the clock on),
    per response area, against the area's target."""
    by_area: dict[str, dict] = {}
    for events in episodes.values():
        area_of, area = {}, "unknown"
        for event in events:  # the area of the contact that each response answers
            if event.type == f"{P}episode.triaged.v1":
                area = event.data.get("area") or "unknown"
            elif event.type == f"{P}response.assigned.v1":
                area_of[event.data["response_id"]] = area
        assigned = {e.data["response_id"]: e for e in _of(events, "response.assigned")}
        arrived = {
            e.data["response_id"]: e for e in _of(events, "response.updated") if e.data.get("status") == "on_scene"
        }
        for response_id, event in assigned.items():
            if event.data["response_type"] not in ("mobile_team", "co_response") or event.data.get("replaces"):
                continue
            chain, current = [response_id], response_id
            while nxt := next((r for r, e in assigned.items() if e.data.get("replaces") == current), None):
                chain.append(nxt)
                current = nxt
            target = event.data.get("target_minutes")
            area_row = by_area.setdefault(
                area_of[response_id], {"target_minutes": target, "minutes": [], "not_arrived": 0}
            )
            arrival = next((arrived[r] for r in chain if r in arrived), None)
            if arrival is None or arrival.time is None or event.time is None:
                area_row["not_arrived"] += 1
                continue
            area_row["minutes"].append(_minutes(arrival.time, event.time))
    report = {}
    for area, row in sorted(by_area.items()):
        minutes, target = row["minutes"], row["target_minutes"]
        report[area] = {
            "target_minutes": target,
            "arrived": len(minutes),
            "p50_minutes": percentile(minutes, 50),
            "p90_minutes": percentile(minutes, 90),
            "late": sum(1 for m in minutes if target is not None and m > target),
            "not_arrived": row["not_arrived"],
        }
    return report


def followups(episodes: Mapping[str, list[Seen]]) -> dict:
    """Peer check-ins for people (not family): done, unreachable, and people reached within 72 hours of the
    plan (it starts when care ends: the response resolved or the handoff completed)."""
    planned = reached_72h = 0
    scheduled = attempted = completed = unreachable = 0
    for events in episodes.values():
        person = [e for e in _of(events, "followup.scheduled") if e.data.get("recipient") in (None, "person")]
        if not person:
            continue
        ids = {e.data["followup_id"] for e in person}
        planned += 1
        scheduled += len(person)
        start = min(e.time for e in person if e.time is not None)
        done = [e for e in _of(events, "followup.completed") if e.data["followup_id"] in ids]
        attempted += sum(1 for e in _of(events, "followup.attempted") if e.data["followup_id"] in ids)
        completed += len(done)
        unreachable += sum(1 for e in _of(events, "reengagement.requested") if e.data["followup_id"] in ids)
        if any(e.time is not None and e.time - start <= FOLLOWUP_WINDOW for e in done):
            reached_72h += 1
    return {
        "people_with_plan": planned,
        "checkins_scheduled": scheduled,
        "attempts": attempted,
        "checkins_completed": completed,
        "checkins_unreachable": unreachable,
        "people_reached_within_72h": reached_72h,
        "rate_within_72h": rate(reached_72h, planned),
    }


def _speed_to_answer(received: Sequence[Seen]) -> dict:
    """How long people waited before a line answered, as the lines reported it on their contacts."""
    waits = [e.data["answered_after_seconds"] for e in received if e.data.get("answered_after_seconds") is not None]
    return {
        "reported": len(waits),
        "p50": percentile(waits, 50),
        "p90": percentile(waits, 90),
        "within_30s": rate(sum(1 for w in waits if w <= 30), len(waits)),
    }


def outcome_report(
    posted: Sequence[PostedContact],
    events: Mapping[str, list[Seen]],
    *,
    eligible_call_types: Iterable[str],
    window: Mapping[str, object] | None = None,
) -> dict:
    """The day's outcomes: ``posted`` is what partner systems sent, ``events`` what the topic carried for
    each of their episodes (by episode id)."""
    ours = {p.episode_id for p in posted}
    episodes = {episode_id: list(events.get(episode_id, [])) for episode_id in sorted(ours)}
    every = [e for episode in episodes.values() for e in episode]
    triaged = [e.data for e in _of(every, "episode.triaged")]
    assigned = _of(every, "response.assigned")
    handoffs_requested = _of(every, "handoff.requested")
    deflected = [e.data for e in _of(every, "lawenforcement.deflected")]
    closed = {episode_id: _of(evts, "episode.closed") for episode_id, evts in episodes.items()}
    still_open = sorted(episode_id for episode_id, c in closed.items() if not c)
    return {
        "window": dict(window or {}),
        "contacts": {
            "posted": len(posted),
            "by_channel": dict(sorted(Counter(p.channel for p in posted).items())),
            "received_on_topic": dict(
                sorted(Counter(e.data["channel"] for e in _of(every, "contact.received")).items())
            ),
            "returning": sum(1 for t in triaged if t.get("returning")),
            "speed_to_answer_seconds": _speed_to_answer(_of(every, "contact.received")),
            "with_safety_flags": sum(1 for t in triaged if t.get("safety_flags")),
        },
        "responses": {
            "by_type": dict(
                sorted(Counter(e.data["response_type"] for e in assigned if not e.data.get("replaces")).items())
            ),
            "replaced": dict(sorted(Counter(e.data.get("reason") for e in assigned if e.data.get("replaces")).items())),
            "escalations": dict(sorted(Counter(e.data["reason"] for e in _of(every, "response.escalated")).items())),
            "resolved_by_disposition": dict(
                sorted(Counter(e.data["disposition"] for e in _of(every, "response.resolved")).items())
            ),
        },
        "deflection": {
            **deflection(triaged, len(deflected), eligible_call_types),
            "by_call_type": deflection_by_call_type(triaged, deflected, eligible_call_types),
        },
        "response_times": response_times(episodes),
        "handoffs": {
            "requested": len(handoffs_requested),
            "by_kind": dict(sorted(Counter(e.data.get("kind") for e in handoffs_requested).items())),
            "accepted": len(_of(every, "handoff.accepted")),
            "declined": len(_of(every, "handoff.declined")),
            "escalated": len(_of(every, "handoff.escalated")),
            "completed": len(_of(every, "handoff.completed")),
        },
        "referrals": {
            "sent": len(_of(every, "referral.sent")),
            "results": dict(sorted(Counter(e.data["result"] for e in _of(every, "referral.result")).items())),
            "reminders": len(_of(every, "referral.reminded")),
        },
        "followups": followups(episodes),
        "episodes": {
            "opened": len(ours),
            "closed": len(ours) - len(still_open),
            "closed_by_reason": dict(sorted(Counter(c[0].data["reason"] for c in closed.values() if c).items())),
            "still_open": len(still_open),
            "still_open_ids": still_open,
        },
    }


def write_json(report: Mapping, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, default=str) + "\n")
