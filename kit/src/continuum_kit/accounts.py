"""Registered partner accounts as sign-in reads them, kept a few seconds: most requests need no read of their own.

Every partner request proves its secret against the account stored for its partner id. Reading that row took
a session, a transaction and an ORM load of its own (on SQLite the request's unit of work cannot share them):
two of the nine statements of a contact posted to intake, and 5.5% of its Python calls. Accounts are only ever
added through the API, never changed, so a kept copy is the stored row; one deactivated or given a new hash in
the database directly (by county IT) is read again within ``partner_cache_seconds`` of the service's clock (5 s
by default; 0 reads it on every request). An id with no account is never kept: a partner registered at one
instance can sign in at another at once. The copy holds the hash, never the secret, and the secret is still
checked on every request (``passwords.py``).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from continuum_kit.clock import Clock
from continuum_kit.settings import ServiceSettings

T = TypeVar("T")


class KeptAccounts(Generic[T]):
    def __init__(self, seconds: float, *, capacity: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._capacity = capacity
        self._clock = clock
        self._kept: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()  # sign-in runs in the request's worker thread

    def peek(self, partner_id: str) -> T | None:
        """The account kept for ``partner_id`` if read less than ``seconds`` ago, else None: never a read."""
        with self._lock:
            kept = self._kept.get(partner_id)
            if kept is not None and self._clock() < kept[0]:
                self._kept.move_to_end(partner_id)
                return kept[1]
        return None

    def get(self, partner_id: str, read: Callable[[str], T | None]) -> T | None:
        """The account kept for ``partner_id`` if read less than ``seconds`` ago; else ``read(partner_id)``."""
        if (kept := self.peek(partner_id)) is not None:  # the least recently used go first past the capacity
            return kept
        now = self._clock()
        account = read(partner_id)
        with self._lock:
            if account is None or self._seconds <= 0:
                self._kept.pop(partner_id, None)
                return account
            self._kept[partner_id] = (now + self._seconds, account)
            self._kept.move_to_end(partner_id)
            while len(self._kept) > self._capacity:
                self._kept.popitem(last=False)
        return account

    @classmethod
    def on(cls, settings: ServiceSettings, clock: Clock) -> "KeptAccounts":
        """A service's: kept ``partner_cache_seconds`` by the service's clock (so a test can move past them)."""
        return cls(settings.partner_cache_seconds, clock=lambda: clock.now().timestamp())
