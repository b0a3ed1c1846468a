"""Projects the "needs a human" queue: which events raise an item, which finish it, and the supervisor's own events.

An item's id is the CloudEvents id of the event that raised it. An item raised by a service is finished by the
service when the obligation it is about ends (``FINISHES``); a supervisor's acknowledgement or resolution comes back
from the topic too, so a board rebuilt from the topic shows the same queue.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import EscalationKind as Kind
from sqlmodel import col, select

from continuum_board.projection.change import Change
from continuum_board.store import EscalationRow

NO_TEAM_REASONS = {"no_team_meets_target", "no_responder_available", "not_acknowledged"}
DROPPED_OUT_REASONS = {"team_offline", "no_update_after_acknowledgement"}
RESPONSE_KINDS = (Kind.NO_TEAM, Kind.TARGET_MISSED, Kind.TEAM_DROPPED_OUT, Kind.SAFETY_BACKUP_REQUESTED)
HANDOFF_KINDS = (Kind.HANDOFF_NOT_ACCEPTED, Kind.HANDOFF_STALLED)
ALL_KINDS = tuple(Kind)


@dataclass(frozen=True)
class Raised:
    kind: Kind
    reason: str
    subject_id: object = None
    party: str | None = None


def _response_escalated(data: ev.ResponseEscalatedV1) -> Raised:
    # An unknown reason is read as no team: a response nobody covers is the safe reading.
    kind = {"target_missed": Kind.TARGET_MISSED, "team_dropped_out": Kind.TEAM_DROPPED_OUT}.get(
        data.reason, Kind.NO_TEAM
    )
    return Raised(kind, data.reason, data.response_id)


def _response_replaced(data: ev.ResponseReplacedV1) -> Raised | None:
    # Replaced or not, a team that went offline or silent on its way is a human's to check on.
    if data.reason not in DROPPED_OUT_REASONS:
        return None
    return Raised(Kind.TEAM_DROPPED_OUT, data.reason, data.response_id, data.responder_id)


RAISES: dict[type, Callable[..., Raised | None]] = {
    ev.ResponseEscalatedV1: _response_escalated,
    ev.ResponseReplacedV1: _response_replaced,
    ev.ResponseSafetyChangedV1: lambda d: Raised(Kind.SAFETY_BACKUP_REQUESTED, d.change, d.response_id, d.responder_id),
    ev.HandoffEscalatedV1: lambda d: Raised(
        Kind.HANDOFF_STALLED if d.reason == "not_completed_in_time" else Kind.HANDOFF_NOT_ACCEPTED,
        d.reason,
        d.handoff_id,
        d.to_party,
    ),
    ev.ReferralEscalatedV1: lambda d: Raised(Kind.REFERRAL_UNANSWERED, d.reason, d.referral_id, d.to_party),
    ev.PlacementUnavailableV1: lambda d: Raised(Kind.NO_PLACE, d.reason, d.response_id, d.declined_by),
    ev.ReengagementRequestedV1: lambda d: Raised(Kind.CHECKINS_EXHAUSTED, d.reason, d.followup_id),
}

# The event that ends an obligation finishes the open items about it: (kinds, the subject id or None for any item of
# the episode). None means this event finishes nothing.
Finish = tuple[Collection[Kind], object] | None
FINISHES: dict[type, Callable[..., Finish]] = {
    ev.ResponseAssignedV1: lambda d: ((Kind.NO_TEAM,), None),  # a team is going after all
    ev.ResponseUpdatedV1: lambda d: ((Kind.TARGET_MISSED,), None) if d.status == "on_scene" else None,
    ev.ResponseResolvedV1: lambda d: (RESPONSE_KINDS, None),
    ev.ResponseCancelledV1: lambda d: (RESPONSE_KINDS, None),
    ev.PlacementReservedV1: lambda d: ((Kind.NO_PLACE,), None),  # a bed is held after all
    ev.HandoffAcceptedV1: lambda d: ((Kind.HANDOFF_NOT_ACCEPTED,), d.handoff_id),
    ev.HandoffStartedV1: lambda d: ((Kind.HANDOFF_NOT_ACCEPTED,), d.handoff_id),
    ev.HandoffCompletedV1: lambda d: (HANDOFF_KINDS, d.handoff_id),
    ev.HandoffCancelledV1: lambda d: (HANDOFF_KINDS, d.handoff_id),
    ev.ReferralResultRecordedV1: lambda d: ((Kind.REFERRAL_UNANSWERED,), d.referral_id),
    ev.ReferralClosedV1: lambda d: ((Kind.REFERRAL_UNANSWERED,), d.referral_id),
    ev.ReferralHandedOnV1: lambda d: ((Kind.REFERRAL_UNANSWERED,), d.referral_id),
    ev.ReferralKeptOpenV1: lambda d: ((Kind.REFERRAL_UNANSWERED,), d.referral_id),
    ev.ReferralSentV1: lambda d: ((Kind.REFERRAL_UNANSWERED,), d.replaces) if d.replaces else None,
    ev.FollowupAttemptedV1: lambda d: ((Kind.CHECKINS_EXHAUSTED,), None) if d.reached else None,
    ev.FollowupCompletedV1: lambda d: ((Kind.CHECKINS_EXHAUSTED,), None) if d.reached else None,
    ev.EpisodeClosedV1: lambda d: (ALL_KINDS, None),  # an episode closes only once its obligations are settled
}


def service_of(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1][:64] or "service"


def short_type(event_type: str) -> str:
    """``continuum.handoff.accepted.v1`` → ``handoff.accepted``: the resolution an item finished by a service shows."""
    parts = event_type.split(".")
    return ".".join(parts[1:-1] if len(parts) > 2 else parts)[:64]


def raise_item(change: Change, envelope: Envelope, raised: Raised) -> None:
    if change.session.get(EscalationRow, envelope.id) is not None:
        return
    change.session.add(
        EscalationRow(
            escalation_id=envelope.id,
            episode_id=envelope.episode_id,
            kind=raised.kind,
            reason=raised.reason,
            subject_id=None if raised.subject_id is None else str(raised.subject_id),
            party=raised.party,
            raised_at=envelope.time,
            state="open",
            updated_at=envelope.time,
        )
    )


def finish_items(change: Change, envelope: Envelope, kinds: Collection[Kind], subject: object) -> None:
    query = select(EscalationRow).where(
        EscalationRow.episode_id == envelope.episode_id,
        col(EscalationRow.state) != "resolved",
        col(EscalationRow.kind).in_([str(k) for k in kinds]),
    )
    if subject is not None:
        query = query.where(EscalationRow.subject_id == str(subject))
    for row in change.session.exec(query.with_for_update()).all():
        row.state, row.resolved_at, row.updated_at = "resolved", envelope.time, envelope.time
        row.resolved_by, row.resolution = service_of(envelope.source), short_type(envelope.type)
        change.session.add(row)


def acknowledged(change: Change, envelope: Envelope[ev.EscalationAcknowledgedV1]) -> None:
    """A supervisor's acknowledgement on the topic (this board's own, or another instance's): applied once."""
    row = change.session.get(EscalationRow, envelope.data.escalation_id, with_for_update=True)
    if row is not None and row.state == "open":
        row.state, row.acknowledged_by, row.acknowledged_at = "acknowledged", envelope.data.by, envelope.time
        row.updated_at = envelope.time
        change.session.add(row)


def resolved(change: Change, envelope: Envelope[ev.EscalationResolvedV1]) -> None:
    row = change.session.get(EscalationRow, envelope.data.escalation_id, with_for_update=True)
    if row is not None and row.state != "resolved":
        data = envelope.data
        row.state, row.resolved_by, row.resolved_at = "resolved", data.by, envelope.time
        row.resolution, row.to_party, row.updated_at = data.resolution, data.to_party, envelope.time
        change.session.add(row)


SUPERVISOR: dict[type, Callable[[Change, Envelope], None]] = {
    ev.EscalationAcknowledgedV1: acknowledged,
    ev.EscalationResolvedV1: resolved,
}
QUEUE_TYPES = frozenset(RAISES) | frozenset(FINISHES) | frozenset(SUPERVISOR)


def project(change: Change, envelope: Envelope) -> None:
    """The queue's part of one event: it may finish earlier items, raise a new one, or be a supervisor's act."""
    kind = type(envelope.data)
    if (finish := FINISHES.get(kind)) is not None and (found := finish(envelope.data)) is not None:
        finish_items(change, envelope, *found)
    if (raises := RAISES.get(kind)) is not None and (raised := raises(envelope.data)) is not None:
        raise_item(change, envelope, raised)
    if (supervised := SUPERVISOR.get(kind)) is not None:
        supervised(change, envelope)
