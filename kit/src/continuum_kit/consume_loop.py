"""The service's consumer of the episode topic: an aiokafka loop of ``getmany`` batches, one transaction each.

One consumer in the service's group (manual commits, from the earliest offset when the group has
none). Each ``getmany`` returns up to ``max_records`` records, grouped by partition; all of them go to
:meth:`EventConsumer.process_batch` as one batch, one transaction, partition after partition and each
partition's records in offset order: order within a partition (so within an episode, whose id is the key)
is kept, and one transaction at a time is all SQLite takes anyway. One transaction per fetch rather than
per partition: at 20 contacts/s that took a fifth to a third of the consumer transactions away (320 episodes:
intake 433 → 280, dispatch 425 → 352, handoff 781 → 612; followup's fetches were one partition already).
Only when a batch has been applied (transaction committed, dead letters published) is each partition's last
offset due for commit (``offsets.py``: in batches, on a timer, and for revoked partitions in the rebalance
listener).
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

    async def start(self) -> asyncio.Task:
        """Join the group and start the loop; its task, for the service to watch."""
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
        return self._task

    def partitions(self) -> list[int]:
        """The partitions of the episode topic this consumer holds now (none before it joined its group)."""
        if self.client is None:
            return []
        return sorted(tp.partition for tp in self.client.assignment() if tp.topic == self._settings.episode_topic)

    async def stop(self, *, grace: float = 10.0) -> None:
        """Finish the batch in hand (up to ``grace`` seconds), commit what was applied, leave the group."""
        if self._task is not None:
            self._stopping.set()
            _, running = await asyncio.wait([self._task], timeout=grace)  # a loop that died is the supervisor's
            for task in running:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
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
            if batches and not self._stopping.is_set():
                await self._apply(client, batches)

    async def _apply(self, client: AIOKafkaConsumer, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Every partition's records of one fetch in one transaction, partition after partition, each in offset
        order; each partition's offset is due once the transaction and the dead letters are done."""
        batch = [
            Record(r.topic, r.partition, r.offset, r.key, r.value, list(r.headers or []))
            for records in batches.values()
            for r in records
        ]
        try:
            async with self._offsets.applying_batch(
                client, {tp: records[-1].offset for tp, records in batches.items()}
            ):
                await self._consumer.process_batch(batch)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the stream: read the batch again
            log.error(
                "%s: batch of %d partition(s) failed (%s); reading it again",
                self._consumer.name,
                len(batches),
                type(exc).__name__,
            )
            for tp, records in batches.items():
                with contextlib.suppress(Exception):  # not assigned any more: its next owner reads it
                    client.seek(tp, records[0].offset)
            await asyncio.sleep(1.0)
