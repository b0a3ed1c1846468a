"""The dead-letter topic: a record that cannot be processed is published there with the reason, and always fits.

The copy carries the original key, headers and value, plus ``dlq_reason``, ``dlq_consumer`` (the
consumer group that gave up on it) and ``dlq_origin`` (topic/partition/offset). A record near the
broker's size limit no longer fits once those headers are added: its copy keeps the headers and as
much of the value as fits, and says so (``dlq_truncated``, ``dlq_original_size``, ``dlq_original_sha256``,
and the reason ends "value truncated"). If the broker still refuses it (its ``message.max.bytes``
below the producer's ``max_request_size``), the copy goes with no value at all: the origin and the
digest find and prove the original, which stays on its topic for the retention period.
"""

import hashlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from continuum_kit.retries import TOO_LARGE

log = logging.getLogger(__name__)
PRODUCER_MAX_REQUEST_SIZE = 1048576
"""aiokafka's ``max_request_size`` default, which ``make_producer`` keeps; the broker's ``message.max.bytes``
default (1048588, unchanged by deploy/kafka) is just above it, so the producer's limit is the one met first."""
BATCH_OVERHEAD = 128  # the record batch's own header, with room to spare


class DeadLetters:
    """Publishes a record that cannot be processed, with the reason and its original bytes (or a fitting part)."""

    def __init__(self, topic: str, consumer: str, *, max_request_size: int = PRODUCER_MAX_REQUEST_SIZE) -> None:
        self.producer: AIOKafkaProducer | None = None  # bound when the service starts its event loop
        self._topic = topic
        self._consumer = consumer
        self._max_request_size = max_request_size

    async def publish(
        self,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
        reason: str,
        origin: tuple[str, int, int],
    ) -> None:
        if self.producer is None:
            raise KafkaConnectionError("dead-letter producer not started")
        topic, partition, offset = origin
        extra = [("dlq_consumer", self._consumer.encode()), ("dlq_origin", f"{topic}/{partition}/{offset}".encode())]
        copy_value, copy_headers = self.fitted(key, value, list(headers) + extra, reason)
        try:
            await self.producer.send_and_wait(self._topic, value=copy_value, key=key, headers=copy_headers)
        except TOO_LARGE:
            log.warning("dead letter of %s/%d/%d refused for its size; sending it without its value", *origin)
            _, copy_headers = self.fitted(key, value, list(headers) + extra, reason, budget=0)
            await self.producer.send_and_wait(self._topic, value=None, key=key, headers=copy_headers)

    def fitted(
        self,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
        reason: str,
        *,
        budget: int | None = None,
    ) -> tuple[bytes | None, list[tuple[str, bytes]]]:
        """The value and headers of the copy: all of the value if the copy fits, else the part that does."""
        whole = headers + [("dlq_reason", reason.encode())]
        if budget is None and _size(key, value, whole) + BATCH_OVERHEAD <= self._max_request_size:
            return value, whole
        original = value or b""
        marked = headers + [
            ("dlq_reason", f"{reason}; value truncated ({len(original)} bytes)".encode()),
            ("dlq_truncated", b"true"),
            ("dlq_original_size", str(len(original)).encode()),
            ("dlq_original_sha256", hashlib.sha256(original).hexdigest().encode()),
        ]
        if budget is None:
            budget = self._max_request_size - BATCH_OVERHEAD - _size(key, b"", marked) - 16  # 16: the value's varints
        return original[: max(budget, 0)], marked


def _size(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> int:
    return DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers)
