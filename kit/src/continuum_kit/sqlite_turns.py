"""SQLite's writers take turns in the process, woken the moment the one before them ends.

SQLite lets one transaction write at a time. A writer whose ``BEGIN IMMEDIATE`` finds the lock taken
does not wait to be woken: its busy handler sleeps and tries again, 1, 2, 5, 10 … up to 100 ms apart,
so under contention a writer may sleep on for up to 100 ms after the lock came free, and a burst of
HTTP requests, batches and relay passes queues up behind those sleeps. The embedded default runs one
process per database file, so the writers that contend are this process's threads: they take turns on a
lock of their own, per database file, before ``BEGIN IMMEDIATE``, and the turn passes on as soon as the
transaction commits or rolls back (``commit``, ``rollback`` or ``close`` of the driver's connection).

A writer that cannot have its turn within the busy timeout goes on to ``BEGIN IMMEDIATE`` anyway, which
then waits and fails as it would without turns. Read-only transactions (deferred ``BEGIN``) take none:
in WAL mode readers never wait for the writer.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

_TURNS: dict[str, threading.Lock] = {}
_TURNS_LOCK = threading.Lock()


def turns_for(database: str) -> threading.Lock:
    """The one lock of a database file in this process (each ``:memory:`` or unnamed database is its own)."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return threading.Lock()
    with _TURNS_LOCK:
        return _TURNS.setdefault(str(Path(database).resolve()), threading.Lock())


class TurnTakingConnection(sqlite3.Connection):
    """A pysqlite connection that gives its writer's turn back once its transaction has ended."""

    turns: threading.Lock | None = None
    _holding = False

    def take_turn(self, timeout: float) -> None:
        """Wait for this database's writer turn (called before ``BEGIN IMMEDIATE``)."""
        if self.turns is not None and not self._holding:
            self._holding = self.turns.acquire(timeout=timeout)

    def give_turn(self) -> None:
        if self._holding and self.turns is not None:
            self._holding = False
            self.turns.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_turn()
