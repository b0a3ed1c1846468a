"""One fetch's batch in one database transaction, in the worker thread: a savepoint per record.

For each record, in offset order, inside its ``process`` span: a SAVEPOINT, the inbox mark (one
``INSERT … ON CONFLICT DO NOTHING``; no row inserted means the event was applied before: a
duplicate, nothing more to do), the handler, its outbox rows. A handler that raises, or whose
changes conflict with stored state, rolls back its own savepoint only (inbox mark included) and
the record is marked for the dead-letter topic; the records after it go on. A transient failure
(database gone, lock timeout) is raised: the whole transaction rolls back and the caller retries
the batch. The transaction commits once, after the last record.

Handlers rarely fail, so a batch is first applied straight, with no savepoints (two statements and a
flush fewer per record). Only when a record fails other than transiently is that transaction rolled
back, whole, and the batch applied again as above, a savepoint per record: the outcome is the same as
if it had been applied that way at once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from continuum_contracts import Envelope
from opentelemetry import trace
from sqlalchemy.exc import IntegrityError

from continuum_kit.delivery import UnitOfWork
from continuum_kit.retries import is_transient

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"
    UNRECORDED = "unrecorded"  # could not be dead-lettered either (the broker refuses it for good): logged, skipped


@dataclass(eq=False)
class Item:
    """One record of a batch on its way: its span, its event (if valid), its handler, and what became of it."""

    record: Any
    span: trace.Span
    envelope: Envelope | None = None
    handler: Callable[[UnitOfWork, Envelope], None] | None = None
    outcome: Outcome = Outcome.IGNORED
    reason: str | None = None  # set: to be dead-lettered with this reason


def apply_batch(unit_of_work: Callable[[], UnitOfWork], consumer: str, items: list[Item]) -> None:
    """Apply the items in one transaction; set each one's outcome, or the reason to dead-letter it."""
    if _apply_straight(unit_of_work, consumer, items):
        return
    with unit_of_work() as uow:
        for item in items:
            with _in_span(item):
                _apply_one(uow, consumer, item)
        uow.commit()


def _in_span(item: Item):  # noqa: ANN202 - the span made current, neither ended nor marked by an exception here
    return trace.use_span(item.span, end_on_exit=False, record_exception=False, set_status_on_exception=False)


def _handle(uow: UnitOfWork, consumer: str, item: Item) -> None:
    """One record's work in the transaction: its inbox mark, then (not a duplicate) its handler and outbox rows."""
    envelope, handler = item.envelope, item.handler
    assert envelope is not None and handler is not None
    item.outcome, item.reason = Outcome.APPLIED, None  # afresh on each attempt at the batch
    if not uow.mark_processed(consumer, envelope.id):
        item.outcome = Outcome.DUPLICATE
        return
    handler(uow, envelope)
    uow.write_outbox()  # its outbox rows, inside its span (and its savepoint, if it has one)


def _apply_straight(unit_of_work: Callable[[], UnitOfWork], consumer: str, items: list[Item]) -> bool:
    """The whole batch in one transaction with no savepoints; False, with nothing committed, if a record (or
    the commit) failed other than transiently (a transient failure is raised)."""
    with unit_of_work() as uow:
        try:
            for item in items:
                with _in_span(item):
                    _handle(uow, consumer, item)
            uow.commit()
        except Exception as exc:
            if is_transient(exc):
                raise
            return False  # rolled back on leaving the unit of work: applied again, a savepoint each
    return True


def _apply_one(uow: UnitOfWork, consumer: str, item: Item) -> None:
    envelope = item.envelope
    assert envelope is not None
    emitted = len(uow.emitted)
    try:
        with uow.session.begin_nested():
            _handle(uow, consumer, item)
    except Exception as exc:
        if is_transient(exc):
            raise
        del uow.emitted[emitted:]  # rolled back with the savepoint
        if isinstance(exc, IntegrityError):
            item.reason = f"{envelope.type} conflicts with stored state"
        else:
            # Only the exception's type: its text could quote stored personal data.
            log.error(
                "%s: handler for %s failed on event %s: %s", consumer, envelope.type, envelope.id, type(exc).__name__
            )
            item.reason = f"{envelope.type} handler failed: {type(exc).__name__}"
