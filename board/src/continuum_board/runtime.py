"""The board's process: the kit's runtime (migrations, consumer with inbox and dead letters, offsets, FastAPI)
with the board's projection, its KPI source and its metric provider, and the reader of dispatch's roster."""

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from continuum_kit.clock import Clock
from continuum_kit.service import Runtime
from continuum_kit.sign_in_limits import FailedChecks
from fastapi import FastAPI
from opentelemetry.sdk.metrics.export import MetricReader
from sqlalchemy import Engine

from continuum_board.config import BoardSettings
from continuum_board.kpis import KpiSource
from continuum_board.metrics import BoardMetrics
from continuum_board.projection import Projection
from continuum_board.roster import RosterReader, credentials
from continuum_board.views import Snapshots


class BoardRuntime(Runtime):
    settings: BoardSettings

    def __init__(
        self,
        settings: BoardSettings,
        *,
        clock: Clock | None = None,
        engine: Engine | None = None,
        metric_readers: Sequence[MetricReader] = (),
    ) -> None:
        self._projection = Projection(settings)
        super().__init__(
            settings,
            handlers=self._projection.handlers(),
            migrations_package="continuum_board",
            clock=clock,
            engine=engine,
        )
        self.kpis = KpiSource(self.engine, self.clock, settings)
        # The sign-in form takes its password in the body, out of the kit's Authorization-header limiter's sight.
        self.sign_in_checks = FailedChecks(
            settings.failed_credentials_per_client, settings.failed_credentials_per_partner
        )
        self.metrics = BoardMetrics(settings, self.kpis, metric_readers)
        self.snapshots = Snapshots(settings, self.kpis)
        self.closing = threading.Event()  # set when the server is stopping: live streams end
        self._projection.observe = self.metrics.observe_duration

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        async with super().lifespan(app):
            roster = None
            if self.settings.dispatch_url:
                reader = RosterReader(
                    self.engine,
                    self.clock,
                    self.settings.dispatch_url,
                    self.settings.roster_poll_seconds,
                    credentials(self.settings),
                )
                roster = self.supervisor.watch(asyncio.create_task(reader.run(), name="dispatch-roster"))
            try:
                yield
            finally:
                if roster is not None:
                    roster.cancel()
                    await asyncio.gather(roster, return_exceptions=True)
                self.metrics.shutdown()
