"""Topic names: every episode event travels on one topic keyed by episode id."""

EPISODE_TOPIC = "continuum.episode-events"
DEAD_LETTER_TOPIC = "continuum.episode-events.dlq"
