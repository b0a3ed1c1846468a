"""A started service walks less of its heap: what it holds at startup is frozen, the young generation is collected
far less often than CPython's default, and cyclic garbage made afterwards is still collected."""

import gc

from continuum_kit.heap import YOUNG_THRESHOLD, settle_heap


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_after_settling_the_startup_heap_is_frozen_and_later_cycles_are_still_collected():
    before = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD > before[0]
        gc.collect()
        ids = {id(Cycle()) for _ in range(1000)}  # unreachable as soon as made: only the collector frees them
        assert gc.collect() >= len(ids)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
