"""Kafka plumbing: topics, the idempotent producer, and the dead-letter topic."""

import asyncio
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError

from continuum_kit.settings import ServiceSettings

log = logging.getLogger(__name__)
TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(settings: ServiceSettings, *, wait_seconds: float = 60.0) -> None:
    """Create the episode and dead-letter topics if missing, waiting for the broker to come up."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
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
            return
        except KafkaError as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"Kafka at {settings.kafka_bootstrap} is not reachable") from exc
            log.warning("waiting for Kafka at %s (%s)", settings.kafka_bootstrap, type(exc).__name__)
            await asyncio.sleep(1.0)
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


class DeadLetters:
    """Publishes a record that cannot be processed, with the reason and its original bytes."""

    def __init__(self, topic: str, consumer: str) -> None:
        self.producer: AIOKafkaProducer | None = None  # bound when the service starts its event loop
        self._topic = topic
        self._consumer = consumer

    async def publish(
        self,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
        reason: str,
        origin: tuple[str, int, int],
    ) -> None:
        topic, partition, offset = origin
        extra = [
            ("dlq_reason", reason.encode()),
            ("dlq_consumer", self._consumer.encode()),
            ("dlq_origin", f"{topic}/{partition}/{offset}".encode()),
        ]
        if self.producer is None:
            raise KafkaConnectionError("dead-letter producer not started")
        await self.producer.send_and_wait(self._topic, value=value, key=key, headers=list(headers) + extra)
