"""Where a simulator's consumer starts on the topic."""

import asyncio
import time

from aiokafka import AIOKafkaConsumer


async def at_the_end(consumer: AIOKafkaConsumer, timeout: float = 30.0) -> None:
    """Resolve where 'latest' is on every partition now, so that nothing posted after this returns is missed."""
    deadline = time.monotonic() + timeout
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("the partners' consumer got no partitions of the topic")
        await asyncio.sleep(0.05)
    for partition in consumer.assignment():
        await consumer.position(partition)
