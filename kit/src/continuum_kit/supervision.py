"""The background tasks a service runs as long as it runs, watched: one that ends by itself stops the service.

The consumer loop, the outbox relay, the offset commits and the timer sweeps each catch what they expect
(a broker or a database briefly gone) and go on. Anything else that ends one of them would leave a process
that still answers HTTP, and ``/health`` 200, while its events, its outbox or its timers no longer move. So a
task that ends while the service is not stopping is logged (its name and the exception's type, never its
text: it can carry a record's content), ``/health`` answers 503 naming it, and the server is told to stop;
``serve`` then exits with :data:`EXIT_TASK_STOPPED`, and the restart policy (compose's ``unless-stopped``,
Kubernetes' ``Always``, systemd's ``on-failure``) starts it again. Nothing is lost: offsets are committed only
after the transactions they cover, and committed outbox rows wait for the next relay.
"""

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

EXIT_TASK_STOPPED = 70  # EX_SOFTWARE: an internal error, so that "restart on failure" restarts it


class Supervisor:
    def __init__(self) -> None:
        self.stopped: list[str] = []
        """The tasks that ended while the service was running, by name."""
        self.on_failure: Callable[[], None] = lambda: None
        """Called once, at the first such task: ``serve`` sets it to stop the server."""
        self._stopping = False

    def watch(self, task: asyncio.Task) -> asyncio.Task:
        task.add_done_callback(self._ended)
        return task

    def stopping(self) -> None:
        """The service is stopping: from now on its tasks end because they were told to."""
        self._stopping = True

    def running(self) -> None:
        """A new start of the service (the same runtime started again, as tests do)."""
        self._stopping = False
        self.stopped.clear()

    def _ended(self, task: asyncio.Task) -> None:
        if self._stopping or task.cancelled():
            return
        error = task.exception()
        why = type(error).__name__ if error is not None else "it returned"
        log.critical("%s stopped while the service runs (%s); the service stops, to be restarted", task.get_name(), why)
        self.stopped.append(task.get_name())
        if len(self.stopped) == 1:
            self.on_failure()
