"""Timers: a service's due-time rows are swept on a short interval, each sweep one unit of work.

The rows (response due, acknowledgement due, hold expiry...) live in the owning service's tables;
a sweep asks the injectable clock what time it is, so tests move time instead of sleeping.

Several instances of a service on one PostgreSQL database sweep the same rows. Each sweep's transaction
first takes that sweep's advisory lock without waiting (``pg_try_advisory_xact_lock``): while one instance
runs a sweep the others skip it for that interval, and the next one to run it starts after the first
committed, so it reads what the first did. A due row therefore fires once, whatever the sweep's own query
looks like; the services' sweeps also claim their rows with ``FOR UPDATE SKIP LOCKED``, which keeps them
off rows a request or an event holds. On SQLite (one process per file) no lock is needed.
"""

import asyncio
import logging
import zlib
from collections.abc import Callable

from sqlalchemy import text

from continuum_kit.delivery import UnitOfWork

log = logging.getLogger(__name__)

Sweep = Callable[[UnitOfWork], None]

# The first key of the sweeps' advisory locks (the two-key form): a space of their own, apart from intake's
# matching locks. The second key is the sweep's name, hashed.
TIMER_LOCKS = 0x74696D72  # "timr"


def sweep_key(sweep: Sweep) -> int:
    return zlib.crc32(sweep.__name__.encode()) & 0x7FFFFFFF


def my_turn(uow: UnitOfWork, sweep: Sweep) -> bool:
    """True if no other instance is running this sweep now; it then holds the sweep until this transaction ends."""
    if uow.session.get_bind().dialect.name != "postgresql":
        return True
    taken = uow.session.execute(
        text("SELECT pg_try_advisory_xact_lock(:space, :key)"), {"space": TIMER_LOCKS, "key": sweep_key(sweep)}
    )
    return bool(taken.scalar_one())


class TimerSweeper:
    def __init__(self, sweeps: list[Sweep], unit_of_work: Callable[[], UnitOfWork], *, interval: float) -> None:
        self._sweeps = sweeps
        self._unit_of_work = unit_of_work
        self._interval = interval

    def sweep_once(self) -> None:
        """Run every sweep in its own transaction; a failing sweep is logged and retried next time, and a sweep
        another instance is running is left to it."""
        for sweep in self._sweeps:
            try:
                with self._unit_of_work() as uow:
                    if not my_turn(uow, sweep):
                        log.debug("timer sweep %s: another instance is running it", sweep.__name__)
                        continue
                    sweep(uow)
                    uow.commit()
            except Exception as exc:  # noqa: BLE001 - one bad sweep must not stop the others
                log.warning("timer sweep %s failed (%s); retrying next interval", sweep.__name__, type(exc).__name__)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await asyncio.to_thread(self.sweep_once)
