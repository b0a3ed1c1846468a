"""The limit on requests in progress, at the ASGI edge: a request waiting past the queue time is refused with 503 and
Retry-After, and a stream that has begun its answer (the board's live page) no longer holds a slot."""

import asyncio

from continuum_kit.admission import Admission


class App:
    """Each request answers 200 at once, except /stream, which starts its answer and then stays open."""

    def __init__(self) -> None:
        self.streaming, self.close = asyncio.Event(), asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] == "/stream":
            self.streaming.set()
            await self.close.wait()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def call(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    await app(scope, receive, send)
    return sent


def status_of(sent: list[dict]) -> tuple[int, dict[bytes, bytes]]:
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], dict(start["headers"])


async def test_an_open_stream_holds_no_slot_and_a_request_past_the_queue_is_refused():
    inner = App()
    edge = Admission(inner, limit=1, queue_seconds=0.05)
    stream = asyncio.create_task(call(edge, "/stream"))
    await inner.streaming.wait()
    assert status_of(await call(edge, "/v1/contacts"))[0] == 200, "a stream under way kept the only slot"

    await edge.slots.acquire()  # every slot taken by a request still at work
    try:
        refused, headers = status_of(await call(edge, "/v1/contacts"))
        health = status_of(await call(edge, "/health"))[0]
    finally:
        edge.slots.release()
    inner.close.set()
    await stream
    assert (refused, headers[b"retry-after"], health) == (503, b"1", 200)
    assert status_of(await call(edge, "/v1/contacts"))[0] == 200
