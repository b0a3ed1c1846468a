"""What the topic carried for each episode: the events seen, the journey they make, and what it still waits on."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from time import monotonic

from continuum_contracts import Envelope

from continuum_sim.scenarios import Scenario

CLOSED = "continuum.episode.closed.v1"


@dataclass(frozen=True)
class Seen:
    id: str
    type: str
    source: str
    data: dict
    seen_at: float
    traceparent: str | None = None
    time: datetime | None = None  # the CloudEvents time: the publishing service's clock, simulated or not
    on_topic_at: float | None = None  # the record's timestamp (epoch seconds): when the service's relay sent it

    @classmethod
    def of(cls, envelope: Envelope, timestamp_ms: int | None) -> "Seen":
        """An event as a partner reads it now, with its record's timestamp (milliseconds since the epoch)."""
        data, traceparent = envelope.data.model_dump(mode="json"), envelope.trace.get("traceparent")
        on_topic = timestamp_ms / 1000 if timestamp_ms is not None else None
        return cls(envelope.id, envelope.type, envelope.source, data, monotonic(), traceparent, envelope.time, on_topic)

    @property
    def trace_id(self) -> str | None:
        return self.traceparent.split("-")[1] if self.traceparent else None


@dataclass
class Journey:
    episode_id: str
    scenario: Scenario
    posted_at: float
    events: list[Seen] = field(default_factory=list)
    posted_wall: float | None = None  # time.time() as the contact was posted: on the clock of record timestamps

    def first(self, event_type: str) -> Seen | None:
        return next((e for e in self.events if e.type == event_type), None)

    @property
    def closed(self) -> Seen | None:
        return self.first(CLOSED)

    def order(self) -> list[str]:
        """Event types as the topic carried them, without the common prefix and version."""
        return [event.type.removeprefix("continuum.").removesuffix(".v1") for event in self.events]

    def counts(self) -> Counter:
        """Distinct events (by CloudEvents id) of each type."""
        return Counter(self.order())


HANDOFF_ENDS = ("completed", "declined", "cancelled")


def handoffs_pending(journey: Journey) -> bool:
    """A handoff requested and not ended, or a bed reserved whose handoff is not requested yet."""
    requested = [e.data for e in journey.events if e.type == "continuum.handoff.requested.v1"]
    ended = {
        e.data["handoff_id"]
        for e in journey.events
        if e.type.removeprefix("continuum.handoff.").removesuffix(".v1") in HANDOFF_ENDS
    }
    reserved = sum(1 for e in journey.events if e.type == "continuum.placement.reserved.v1")
    to_places = sum(1 for h in requested if (h.get("kind") or "").startswith("team_to_"))
    return bool({h["handoff_id"] for h in requested} - ended) or reserved > to_places
