"""Offsets are committed only for applied records, in batches, and on a timer when the stream goes quiet."""

import asyncio

from aiokafka import TopicPartition
from continuum_kit.offsets import OffsetCommitter


class RecordingConsumer:
    def __init__(self) -> None:
        self.commits: list[dict] = []

    async def commit(self, offsets: dict) -> None:
        self.commits.append(dict(offsets))


async def test_commits_the_next_offset_of_applied_records_in_batches():
    consumer = RecordingConsumer()
    committer = OffsetCommitter(max_records=3, max_delay=60)
    for offset in range(5):
        await committer.applied(consumer, "t", offset % 2, offset)
    assert consumer.commits == [{TopicPartition("t", 0): 3, TopicPartition("t", 1): 2}]


async def test_quiet_stream_is_committed_by_the_timer():
    consumer = RecordingConsumer()
    committer = OffsetCommitter(max_records=100, max_delay=0.05)
    await committer.applied(consumer, "t", 0, 41)
    timer = asyncio.create_task(committer.run())
    await asyncio.sleep(0.2)
    timer.cancel()
    assert consumer.commits == [{TopicPartition("t", 0): 42}]


async def test_failed_commit_is_survived_and_later_offsets_still_commit():
    class Rebalancing(RecordingConsumer):
        failed = False

        async def commit(self, offsets: dict) -> None:
            if not self.failed:
                self.failed = True
                from aiokafka.errors import CommitFailedError

                raise CommitFailedError("rebalance")
            await super().commit(offsets)

    consumer = Rebalancing()
    committer = OffsetCommitter(max_records=1, max_delay=60)
    await committer.applied(consumer, "t", 0, 1)
    await committer.applied(consumer, "t", 0, 2)
    assert consumer.commits == [{TopicPartition("t", 0): 3}]
