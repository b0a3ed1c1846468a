"""Offset commits in batches, after the transactions: only offsets of records already applied are committed.

Committing after every record costs a broker round trip per event. Committing the applied
offsets every few hundred records or half a second instead is just as safe: a crash re-delivers
the uncommitted tail, and the inbox recognises each of those events as already applied.

A rebalance takes partitions away. Their pending offsets are committed while this instance still
owns them, in the revoke callback, before the group hands them on: the next owner starts right
after what was applied here. A record still being handled when its partition is revoked is not
committed by this instance afterwards: its next owner reads it again, and the inbox recognises it.
"""

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
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
        # Each revoke of a partition starts a new ownership of it; a record is committed only
        # by the ownership it was received under.
        self._ownership: Counter[TopicPartition] = Counter()
        self._rebalancing = False

    @property
    def rebalancing(self) -> bool:
        """Between a revoke and the next assignment: nothing is committed then."""
        return self._rebalancing

    @asynccontextmanager
    async def applying(self, consumer: Any, topic: str, partition: int, offset: int) -> AsyncIterator[None]:
        """Around the handling of one record: once handled, its offset is due for commit.

        Not when the handling raised, and not when the partition was revoked meanwhile.
        """
        async with self.applying_batch(consumer, {TopicPartition(topic, partition): offset}):
            yield

    @asynccontextmanager
    async def applying_batch(self, consumer: Any, last: Mapping[TopicPartition, int]) -> AsyncIterator[None]:
        """Around the handling of records of several partitions (``last``: each one's last offset), as ``applying``:
        once handled, each partition's offset is due, unless that partition was revoked meanwhile."""
        ownership = {tp: self._ownership[tp] for tp in last}
        yield
        for tp, offset in last.items():
            if self._ownership[tp] != ownership[tp]:
                log.debug("%s/%d was revoked while offset %d was handled: not committed", *tp, offset)
                continue
            await self.applied(consumer, tp.topic, tp.partition, offset)

    async def applied(self, consumer: Any, topic: str, partition: int, offset: int) -> None:
        """Record that a record is fully handled; commit if enough have piled up or time has passed."""
        self._consumer = consumer
        self._pending[TopicPartition(topic, partition)] = offset + 1
        self._count += 1
        if self._count >= self.max_records or time.monotonic() - self._last >= self.max_delay:
            await self.flush()

    async def flush(self) -> None:
        """Commit the pending offsets of the partitions this consumer is assigned now; drop the others."""
        async with self._lock:
            if self._rebalancing or not self._pending or self._consumer is None:
                return
            assigned = self._consumer.assignment()
            offsets = {tp: offset for tp, offset in self._pending.items() if tp in assigned}
            if len(offsets) < len(self._pending):
                # Their next owner re-reads the tail, and the inbox recognises what was applied here.
                log.debug("dropped the offsets of %d partitions no longer assigned", len(self._pending) - len(offsets))
            self._pending, self._count, self._last = {}, 0, time.monotonic()
            if offsets and not await self._commit(offsets):
                for tp, offset in offsets.items():  # tried again at the next flush, unless newer ones came
                    self._pending.setdefault(tp, offset)

    async def revoked(self, partitions: Iterable[TopicPartition]) -> None:
        """A rebalance takes the partitions away: commit their pending offsets while they are still owned."""
        partitions = set(partitions)
        self._rebalancing = True
        self._ownership.update(partitions)  # before any await: a record being handled now is not committed
        async with self._lock:
            offsets = {tp: self._pending.pop(tp) for tp in partitions if tp in self._pending}
            if offsets and self._consumer is not None:
                await self._commit(offsets)  # if this fails, the next owner re-reads them

    def assigned(self) -> None:
        """The rebalance is over: commits go on, for the partitions of the new assignment."""
        self._rebalancing = False

    async def _commit(self, offsets: dict[TopicPartition, int]) -> bool:
        try:
            await self._consumer.commit(offsets)
        except (KafkaError, AssertionError, RuntimeError) as exc:
            log.warning("offset commit failed (%s); those records may be delivered again", type(exc).__name__)
            return False
        return True

    async def run(self) -> None:
        """Flush on a timer, so that the last records before a quiet spell are committed too."""
        while True:
            await asyncio.sleep(self.max_delay)
            await self.flush()


class CommitOnRevoke(ConsumerRebalanceListener):
    """The consumer's rebalance listener: aiokafka awaits it from its coordinator, before and after a rebalance."""

    def __init__(self, committer: OffsetCommitter) -> None:
        self.committer = committer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.committer.revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.committer.assigned()
