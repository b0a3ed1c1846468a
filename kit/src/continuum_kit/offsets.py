"""Offset commits in batches, after the transactions: only offsets of records already applied are committed.

Committing after every record costs a broker round trip per event. Committing the applied
offsets every few hundred records or half a second instead is just as safe: a crash re-delivers
the uncommitted tail, and the inbox recognises each of those events as already applied.
"""

import asyncio
import logging
import time
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)


class OffsetCommitter:
    def __init__(self, *, max_records: int = 200, max_delay: float = 0.5) -> None:
        self.max_records = max_records
        self.max_delay = max_delay
        self._pending: dict[TopicPartition, int] = {}
        self._consumer: Any = None
        self._count = 0
        self._last = time.monotonic()
        self._lock = asyncio.Lock()

    async def applied(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        """Record that a record is fully handled; commit if enough have piled up or time has passed."""
        self._consumer = consumer
        self._pending[TopicPartition(topic, partition)] = offset + 1
        self._count += 1
        if self._count >= self.max_records or time.monotonic() - self._last >= self.max_delay:
            await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            if not self._pending or self._consumer is None:
                return
            offsets, self._pending, self._count, self._last = self._pending, {}, 0, time.monotonic()
            try:
                await self._consumer.commit(offsets)
            except (KafkaError, AssertionError, RuntimeError) as exc:
                # Typically a rebalance took the partitions away; their next owner re-reads the tail
                # and the inbox recognises what was already applied.
                log.warning("offset commit failed (%s); those records may be delivered again", type(exc).__name__)

    async def run(self) -> None:
        """Flush on a timer, so that the last records before a quiet spell are committed too."""
        while True:
            await asyncio.sleep(self.max_delay)
            await self.flush()
