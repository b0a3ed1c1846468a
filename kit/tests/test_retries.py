"""The kit's retry policy waits out failures, but a task cancelled while it is retrying stops."""

import asyncio

from continuum_kit.retries import patiently


async def test_a_task_retrying_everything_still_stops_when_it_is_cancelled():
    """The outbox relay retries any failure; cancelled at shutdown mid-attempt, it must end, not try again."""
    attempts: list[int] = []
    never = asyncio.Event()

    async def relay_like() -> None:
        async for attempt in patiently(0.01, 0.05, on_retry=lambda exc, delay: None, retry_on=lambda _: True):
            with attempt:
                attempts.append(1)
                await never.wait()

    task = asyncio.create_task(relay_like())
    while not attempts:
        await asyncio.sleep(0)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert done == {task} and task.cancelled()
    assert len(attempts) == 1


async def test_a_transient_failure_is_retried_until_it_passes():
    failures = [OSError("broker away"), TimeoutError()]
    retried: list[str] = []

    async def flaky() -> str:
        async for attempt in patiently(0.01, 0.05, on_retry=lambda exc, delay: retried.append(type(exc).__name__)):
            with attempt:
                if failures:
                    raise failures.pop(0)
                return "published"
        raise AssertionError("unreachable")

    assert await flaky() == "published"
    assert retried == ["OSError", "TimeoutError"]
