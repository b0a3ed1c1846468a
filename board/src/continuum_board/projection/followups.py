"""Projects follow-up check-ins onto their rows and the episode: scheduled, attempted, completed."""

from continuum_contracts import Envelope
from continuum_contracts import events as ev

from continuum_board.projection.change import Change, Projectors
from continuum_board.store import FollowupRow


def scheduled(change: Change, envelope: Envelope[ev.FollowupScheduledV1]) -> None:
    episode, schedule = change.episode, envelope.data
    if episode.followup_started_at is None:
        episode.followup_started_at = envelope.time
    if change.session.get(FollowupRow, schedule.followup_id) is None:
        change.session.add(
            FollowupRow(
                followup_id=schedule.followup_id,
                episode_id=envelope.episode_id,
                sequence=schedule.sequence,
                due_at=schedule.due_at,
                channel=schedule.channel,
                recipient=schedule.recipient,
                assigned_peer=schedule.assigned_peer,
                status="scheduled",
                updated_at=envelope.time,
            )
        )


def attempted(change: Change, envelope: Envelope[ev.FollowupAttemptedV1]) -> None:
    episode, attempt = change.episode, envelope.data
    row = change.session.get(FollowupRow, attempt.followup_id, with_for_update=True)
    if row is not None:
        row.attempts = max(row.attempts, attempt.attempts)
        row.updated_at = envelope.time
        change.session.add(row)
    if attempt.reached and episode.followup_reached_at is None:
        episode.followup_reached_at = envelope.time


def completed(change: Change, envelope: Envelope[ev.FollowupCompletedV1]) -> None:
    episode, completion = change.episode, envelope.data
    row = change.session.get(FollowupRow, completion.followup_id, with_for_update=True)
    if row is not None:
        row.status = "completed" if completion.reached else "unreachable"
        row.attempts = max(row.attempts, completion.attempts)
        row.updated_at = envelope.time
        change.session.add(row)
    if completion.reached and episode.followup_reached_at is None:
        episode.followup_reached_at = envelope.time


PROJECTORS: Projectors = {
    ev.FollowupScheduledV1: scheduled,
    ev.FollowupAttemptedV1: attempted,
    ev.FollowupCompletedV1: completed,
}
