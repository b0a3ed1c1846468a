"""Kafka plumbing: topics and the idempotent producer (the dead-letter topic is ``dead_letters.py``)."""

import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from tenacity import AsyncRetrying, RetryError, retry_if_exception, stop_after_delay, wait_exponential_jitter

from continuum_kit.dead_letters import DeadLetters
from continuum_kit.retries import is_transient
from continuum_kit.settings import ServiceSettings

__all__ = ["DeadLetters", "ensure_topics", "make_producer"]

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(settings: ServiceSettings, *, wait_seconds: float = 60.0) -> None:
    """Create the episode and dead-letter topics if missing, waiting up to ``wait_seconds`` for the broker."""

    def waiting(state) -> None:
        error = state.outcome.exception()
        log.warning("waiting for Kafka at %s (%s)", settings.kafka_bootstrap, type(error).__name__)

    attempts = AsyncRetrying(
        stop=stop_after_delay(wait_seconds),
        wait=wait_exponential_jitter(multiplier=0.5, max=5.0, jitter=0.5),
        retry=retry_if_exception(is_transient),
        before_sleep=waiting,
    )
    try:
        async for attempt in attempts:
            with attempt:
                await _create_topics(settings)
    except RetryError as exc:
        raise RuntimeError(f"Kafka at {settings.kafka_bootstrap} is not reachable") from exc.last_attempt.exception()


async def _create_topics(settings: ServiceSettings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=10000)
    try:
        await admin.start()
        topics = [
            NewTopic(name, num_partitions=settings.topic_partitions, replication_factor=settings.topic_replication)
            for name in (settings.episode_topic, settings.dead_letter_topic)
        ]
        response = await admin.create_topics(topics)
        for topic, code, message in getattr(response, "topic_errors", []) or []:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise RuntimeError(f"cannot create topic {topic}: error {code} {message}")
    finally:
        await admin.close()


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """Idempotent producer (acks=all): a retried send never writes a record twice."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        client_id=f"continuum-{settings.service_name}",
    )
