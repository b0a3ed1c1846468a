"""Projects an episode's own life onto its row: contact received, opened, triaged, reopened, closed."""

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Stage

from continuum_board.config import BoardSettings
from continuum_board.projection.change import Change, Projectors


def kept_demographics(settings: BoardSettings, demographics: dict[str, str]) -> dict[str, str]:
    """Only the codes the county chose to report on are kept: less stored, less to re-identify."""
    return {k: v for k, v in sorted(demographics.items()) if k in set(settings.demographic_fields)}


def contact_received(change: Change, envelope: Envelope[ev.ContactReceivedV1]) -> None:
    episode, contact = change.episode, envelope.data
    if episode.contact_received_at is None:
        episode.contact_received_at = contact.received_at
        episode.channel = episode.channel or contact.channel
        episode.answered_after_seconds = contact.answered_after_seconds


def opened(change: Change, envelope: Envelope[ev.EpisodeOpenedV1]) -> None:
    episode = change.episode
    episode.opened_at = episode.opened_at or envelope.time
    episode.stage = episode.stage or envelope.data.stage


def triaged(change: Change, envelope: Envelope[ev.EpisodeTriagedV1]) -> None:
    episode, triage = change.episode, envelope.data
    episode.stage = triage.stage
    episode.acuity = triage.acuity
    episode.recommended_response = triage.recommended_response
    episode.police_required = triage.police_required
    if episode.triaged_at is None:  # the KPIs follow the episode's first contact
        episode.triaged_at = envelope.time
        episode.channel = triage.channel
        episode.program = triage.program
        episode.area = triage.area
        episode.call_type = triage.call_type
        episode.demographics = kept_demographics(change.settings, triage.demographics)
        change.measure("time_to_triage", episode.contact_received_at, envelope.time)
        if episode.answered_after_seconds is not None:  # recorded once triage has named the program and area
            change.measured.append(("time_to_answer", float(episode.answered_after_seconds), episode))


def reopened(change: Change, envelope: Envelope[ev.EpisodeReopenedV1]) -> None:
    change.move_to(envelope.data.stage)


def closed(change: Change, envelope: Envelope[ev.EpisodeClosedV1]) -> None:
    episode = change.episode
    episode.stage = Stage.CLOSED
    episode.closed_at = episode.closed_at or envelope.time
    episode.closure_reason = envelope.data.reason


PROJECTORS: Projectors = {
    ev.ContactReceivedV1: contact_received,
    ev.EpisodeOpenedV1: opened,
    ev.EpisodeTriagedV1: triaged,
    ev.EpisodeReopenedV1: reopened,
    ev.EpisodeClosedV1: closed,
}
