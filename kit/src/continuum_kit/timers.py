"""Timers: a service's due-time rows are swept on a short interval, each sweep one unit of work.

The rows (response due, acknowledgement due, hold expiry...) live in the owning service's tables;
a sweep asks the injectable clock what time it is, so tests move time instead of sleeping.
"""

import asyncio
import logging
from collections.abc import Callable

from continuum_kit.delivery import UnitOfWork

log = logging.getLogger(__name__)

Sweep = Callable[[UnitOfWork], None]


class TimerSweeper:
    def __init__(self, sweeps: list[Sweep], unit_of_work: Callable[[], UnitOfWork], *, interval: float) -> None:
        self._sweeps = sweeps
        self._unit_of_work = unit_of_work
        self._interval = interval

    def sweep_once(self) -> None:
        """Run every sweep in its own transaction; a failing sweep is logged and retried next time."""
        for sweep in self._sweeps:
            try:
                with self._unit_of_work() as uow:
                    sweep(uow)
                    uow.commit()
            except Exception as exc:  # noqa: BLE001 - one bad sweep must not stop the others
                log.warning("timer sweep %s failed (%s); retrying next interval", sweep.__name__, type(exc).__name__)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await asyncio.to_thread(self.sweep_once)
