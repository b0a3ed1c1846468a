"""Which failures are worth waiting out, and how long to wait: one retry policy for the whole kit (tenacity).

A transient failure (the database or the broker briefly gone, a timeout, a leader moving) passes if
waited out, so it is retried with exponential backoff, jitter and a cap, for as long as it lasts: the
record or outbox row is never given up. A failure that can never succeed (a record larger than the
broker takes, a topic name the broker refuses, a client the broker does not authorise) is not
retried: retrying would hold the partition behind it for ever.
"""

import asyncio
import logging
from collections.abc import Callable

from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    InvalidTopicError,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
    UnsupportedVersionError,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_never, wait_exponential_jitter

log = logging.getLogger(__name__)

TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)
"""The record itself is refused for its size: a smaller copy may pass, the same one never."""
NEVER_SUCCEEDS = (
    *TOO_LARGE,
    InvalidTopicError,
    TopicAuthorizationFailedError,
    ClusterAuthorizationFailedError,
    UnsupportedVersionError,
)


def is_transient(exc: BaseException) -> bool:
    """True for a failure that waiting can cure: database or broker unreachable, a timeout, a retriable broker error."""
    if isinstance(exc, NEVER_SUCCEEDS):
        return False
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated  # any other driver error is about the statement, not the connection
    return isinstance(exc, KafkaError | OSError | asyncio.TimeoutError | TimeoutError)


def patiently(
    initial: float,
    maximum: float,
    *,
    on_retry: Callable[[BaseException, float], None],
    retry_on: Callable[[BaseException], bool] = is_transient,
) -> AsyncRetrying:
    """Retry what ``retry_on`` accepts for as long as it fails, waiting ``initial``·2ⁿ plus up to ``initial``
    of jitter, never more than ``maximum``; anything else is raised at once, as itself. A cancellation is never
    retried, whatever ``retry_on`` says: it is the process stopping the task, and a retried one never stops."""

    def worth_retrying(exc: BaseException) -> bool:
        return not isinstance(exc, asyncio.CancelledError) and retry_on(exc)

    def before_sleep(state: RetryCallState) -> None:
        assert state.outcome is not None and state.next_action is not None
        on_retry(state.outcome.exception(), state.next_action.sleep)

    return AsyncRetrying(
        stop=stop_never,
        wait=wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial),
        retry=retry_if_exception(worth_retrying),
        before_sleep=before_sleep,
        reraise=True,
    )
