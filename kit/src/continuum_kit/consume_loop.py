"""The service's consumer of the episode topic: an aiokafka loop of ``getmany`` batches, one transaction each.

One consumer in the service's group (manual commits, from the earliest offset when the group has
none). Each ``getmany`` returns up to ``max_records`` records, grouped by partition; each
partition's records go to :meth:`EventConsumer.process_batch` in offset order, one partition after
the other: order within a partition (so within an episode, whose id is the key) is kept, and one
transaction at a time is all SQLite takes anyway. Only when a batch has been applied (transaction
committed, dead letters published) is its last offset due for commit (``offsets.py``: in batches,
on a timer, and for revoked partitions in the rebalance listener).
"""

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from continuum_kit.consumer import EventConsumer, Record
from continuum_kit.offsets import CommitOnRevoke, OffsetCommitter
from continuum_kit.settings import ServiceSettings

log = logging.getLogger(__name__)
MAX_RECORDS = 200
"""Records per ``getmany``: at most this many are applied in one transaction (less if spread over partitions)."""


class ConsumeLoop:
    def __init__(
        self,
        settings: ServiceSettings,
        consumer: EventConsumer,
        offsets: OffsetCommitter,
        *,
        max_records: int = MAX_RECORDS,
    ) -> None:
        self._settings = settings
        self._consumer = consumer
        self._offsets = offsets
        self.max_records = max_records
        self.client: AIOKafkaConsumer | None = None  # needs a running event loop: made in start()
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        settings = self._settings
        self.client = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_servers,
            group_id=settings.consumer_group,
            client_id=f"continuum-{settings.service_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        self.client.subscribe([settings.episode_topic], listener=CommitOnRevoke(self._offsets))
        await self.client.start()
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(self.client), name="episode-events")

    def partitions(self) -> list[int]:
        """The partitions of the episode topic this consumer holds now (none before it joined its group)."""
        if self.client is None:
            return []
        return sorted(tp.partition for tp in self.client.assignment() if tp.topic == self._settings.episode_topic)

    async def stop(self, *, grace: float = 10.0) -> None:
        """Finish the batch in hand (up to ``grace`` seconds), commit what was applied, leave the group."""
        if self._task is not None:
            self._stopping.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
            except TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.client is not None:
            await self._offsets.flush()
            await self.client.stop()
            self.client = None

    async def _run(self, client: AIOKafkaConsumer) -> None:
        while not self._stopping.is_set():
            try:
                batches = await client.getmany(timeout_ms=200, max_records=self.max_records)
            except KafkaError as exc:
                log.warning("cannot fetch from %s (%s); trying again", self._settings.episode_topic, type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            owned = {tp: self._offsets.ownership(*tp) for tp in batches}
            for tp, records in batches.items():
                # Fetched before a rebalance took the partition away: its next owner reads them.
                if self._offsets.ownership(*tp) == owned[tp] and not self._stopping.is_set():
                    await self._apply(client, tp, records)

    async def _apply(self, client: AIOKafkaConsumer, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        batch = [Record(r.topic, r.partition, r.offset, r.key, r.value, list(r.headers or [])) for r in records]
        try:
            async with self._offsets.applying(client, tp.topic, tp.partition, records[-1].offset):
                await self._consumer.process_batch(batch)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the stream: read the batch again
            log.error("%s: batch of %s/%d failed (%s); reading it again", self._consumer.name, *tp, type(exc).__name__)
            with contextlib.suppress(Exception):  # not assigned any more: its next owner reads it
                client.seek(tp, records[0].offset)
            await asyncio.sleep(1.0)
