"""A service's long-lived heap and the cyclic garbage collector.

A service keeps a large heap for its whole life: its modules, FastAPI's routes and OpenAPI models,
SQLAlchemy's mappers, pydantic's validators. CPython's full (generation 2) collection walks every tracked
object, holding the GIL: measured in the bench (``gc.callbacks``), one took 85-145 ms of CPU, during which
the service answered nothing. Once started, a service moves all it holds to the permanent generation
(``gc.freeze``): no collection walks it again (it is still freed by reference counting when released), and
a full collection in service walks only what was made since.

A request or an event allocates thousands of short-lived objects (ORM states, statements, pydantic models),
nearly all freed by reference counting; at CPython's default threshold (700) the young generation was
collected every few statements. Past startup it is collected every ``YOUNG_THRESHOLD`` net allocations, the
older ones less often too: in the bench this took 5-7 % off the CPU per episode, interleaved runs A/B/A/B,
for at most a few MB of cyclic garbage waiting a little longer.
"""

import gc

YOUNG_THRESHOLD = 20_000
OLDER_THRESHOLD = 50  # collections of the generation below before the next is collected


def settle_heap() -> None:
    """Called once, when the service has started: collect, freeze what is left, collect less often from now on."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
