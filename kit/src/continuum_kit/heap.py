"""A service's long-lived heap and the cyclic garbage collector.

A service keeps a large heap for its whole life: its modules, FastAPI's routes and OpenAPI models,
SQLAlchemy's mappers, pydantic's validators. CPython's full (generation 2) collection walks every tracked
object, holding the GIL: measured in the bench (``gc.callbacks``), one took 85-145 ms of CPU, during which
the service answered nothing. Once started, a service moves all it holds to the permanent generation
(``gc.freeze``): no collection walks it again (it is still freed by reference counting when released), and
a full collection in service walks only what was made since.
"""

import gc


def settle_heap() -> None:
    """Called once, when the service has started: collect, then freeze what is left."""
    gc.collect()
    gc.freeze()
