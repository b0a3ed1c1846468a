"""Assembles one service process: database, Kafka consumer and relay, FastAPI, lifespan and health."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, TypeVar

import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session

from continuum_kit import admission, http_errors, openapi_answers, sign_in_limits
from continuum_kit.accounts import KeptAccounts
from continuum_kit.clock import Clock, configured_clock
from continuum_kit.consume_loop import ConsumeLoop
from continuum_kit.consumer import EventConsumer, Handlers
from continuum_kit.db import READ_ONLY, database_reachable, make_engine, migrate
from continuum_kit.dead_letters import DeadLetters
from continuum_kit.delivery import UnitOfWork
from continuum_kit.heap import settle_heap
from continuum_kit.kafka import ensure_topics, make_producer
from continuum_kit.offsets import OffsetCommitter
from continuum_kit.relay import OutboxRelay
from continuum_kit.settings import ServiceSettings
from continuum_kit.supervision import EXIT_TASK_STOPPED, Supervisor
from continuum_kit.telemetry import TRACER_NAME, exporting, setup_logging, setup_tracing, trace_database
from continuum_kit.timers import Sweep, TimerSweeper
from continuum_kit.trace_context import TraceContext

log = logging.getLogger(__name__)
# How long a stopping service waits for its relay's last pass before giving up on it (the rows stay in the outbox).
RELAY_DRAIN_SECONDS = 15.0
NO_FASTAPI_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


class DatabaseHealth(BaseModel):
    reachable: bool
    dialect: str


class BrokerHealth(BaseModel):
    reachable: bool


class ConsumerHealth(BaseModel):
    """This instance's share of the episode topic: with several instances in one group, each holds some."""

    group: str
    partitions: list[int]


class HealthReport(BaseModel):
    """What ``/health`` answers: 200 when the database and a broker both answer and every background task runs,
    503 (this same body) otherwise."""

    service: str
    status: Literal["ok", "unavailable"]
    database: DatabaseHealth
    broker: BrokerHealth
    consumer: ConsumerHealth
    stopped: list[str] = Field(
        default_factory=list,
        description="background tasks that ended while the service runs (the service is stopping, to be restarted)",
    )


class Runtime:
    """Everything one service process needs; built once by the service's composition root."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        handlers: Handlers,
        migrations_package: str,
        clock: Clock | None = None,
        engine: Engine | None = None,
        sweeps: list[Sweep] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or configured_clock(settings.clock_scale, settings.clock_start, settings.clock_anchor)
        self.engine = engine or make_engine(
            settings.resolved_database_url(), wait_seconds=settings.database_wait_seconds
        )
        self.reader = self.engine.execution_options(**{READ_ONLY: True})  # for lookups that only read (db.py)
        self.accounts: KeptAccounts = KeptAccounts.on(settings, self.clock)  # sign-in's reads (accounts.py)
        self.migrations_package = migrations_package
        self.tracer_provider = setup_tracing(settings.service_name, settings.otlp_endpoint)
        trace_database(self.engine, self.tracer_provider)
        tracer = self.tracer_provider.get_tracer(TRACER_NAME)
        self.producer: AIOKafkaProducer | None = None  # needs a running event loop: made in lifespan
        self.dead_letters = DeadLetters(settings.dead_letter_topic, settings.consumer_group)
        self.relay = OutboxRelay(
            self.engine,
            self.clock,
            poll_seconds=settings.relay_poll_seconds,
            dead_letters=self.dead_letters,
            tracer=tracer,
        )
        self.consumer = EventConsumer(
            settings.consumer_group,
            handlers,
            self.unit_of_work,
            self.dead_letters,
            retry_initial=settings.retry_initial_seconds,
            retry_max=settings.retry_max_seconds,
            tracer=tracer,
        )
        self.offsets = OffsetCommitter()
        # The kit's own getmany loop: a fetch's batch in one transaction (``consume_loop.py``).
        self.events = ConsumeLoop(settings, self.consumer, self.offsets)
        self.timers = TimerSweeper(sweeps or [], self.unit_of_work, interval=settings.timer_sweep_seconds)
        self.supervisor = Supervisor()  # a background task that ends by itself stops the service (supervision.py)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(
            self.engine,
            source=self.settings.source,
            topic=self.settings.episode_topic,
            clock=self.clock,
            on_commit=self.relay.wake,
        )

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, self.engine, self.migrations_package)
        await ensure_topics(self.settings)
        self.producer = producer = make_producer(self.settings)
        await producer.start()
        self.dead_letters.producer = producer
        self.supervisor.running()
        watch = self.supervisor.watch
        relay = watch(asyncio.create_task(self.relay.run(producer), name="outbox-relay"))
        tasks = [
            relay,
            watch(asyncio.create_task(self.offsets.run(), name="offset-commits")),
            watch(asyncio.create_task(self.timers.run(), name="timer-sweeps")),
        ]
        watch(await self.events.start())
        settle_heap()  # what the service holds from now on is not walked by the collector again (heap.py)
        log.info("%s ready on %s:%d", self.settings.service_name, self.settings.http_host, self.settings.http_port)
        try:
            yield
        finally:
            self.supervisor.stopping()
            await self.events.stop()  # the batch in hand finishes, and its offsets are committed
            self.relay.stop()  # what is committed is published and marked; a broker gone keeps it for the next start
            await asyncio.wait([relay], timeout=RELAY_DRAIN_SECONDS)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await producer.stop()
            self.tracer_provider.force_flush(5000)
            self.engine.dispose()

    async def health(self) -> JSONResponse:
        database_ok = await asyncio.to_thread(database_reachable, self.engine)
        broker_ok = await broker_reachable(self.producer)
        ok = database_ok and broker_ok and not self.supervisor.stopped
        body = {
            "service": self.settings.service_name,
            "status": "ok" if ok else "unavailable",
            "database": {"reachable": database_ok, "dialect": self.engine.dialect.name},
            "broker": {"reachable": broker_ok},
            "consumer": {"group": self.settings.consumer_group, "partitions": self.events.partitions()},
            "stopped": self.supervisor.stopped,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    def create_app(self, *, title: str, routers: list[APIRouter]) -> FastAPI:
        # FastAPI's own telemetry off: a second server span (with the query string), a span per endpoint call
        # and a metric per request, all on the global providers the kit sets; the kit's spans are below.
        app = FastAPI(title=title, lifespan=self.lifespan, telemetry=NO_FASTAPI_TELEMETRY)
        app.state.runtime = self
        install_http_edges(app, self.settings)
        app.add_api_route(
            "/health",
            self.health,
            methods=["GET"],
            tags=["operations"],
            summary="Database and broker reachability, and the partitions this instance consumes",
            response_model=HealthReport,
            responses={
                503: {
                    "description": "the database or every broker is unreachable, or a background task stopped",
                    "model": HealthReport,
                }
            },
        )
        for router in routers:
            app.include_router(router)
        # A server span per partner request: the events it causes carry its trace context. No
        # per-message ASGI receive/send spans; no request bodies or headers are recorded. With nothing
        # exported, only the trace context is kept (trace_context.py).
        if exporting():
            FastAPIInstrumentor.instrument_app(
                app, tracer_provider=self.tracer_provider, excluded_urls="health", exclude_spans=["receive", "send"]
            )
        else:
            app.add_middleware(TraceContext, tracer=self.tracer_provider.get_tracer(TRACER_NAME))
        return app


async def broker_reachable(producer: AIOKafkaProducer | None, timeout: float = 2.0) -> bool:
    """True if a broker answers a metadata request within ``timeout`` seconds."""
    if producer is None:
        return False
    try:
        await asyncio.wait_for(producer.client.fetch_all_metadata(), timeout)
    except Exception:  # noqa: BLE001 - health reports any failure as unreachable
        return False
    return True


def install_http_edges(app: FastAPI, settings: ServiceSettings) -> None:
    """What every service's HTTP side shares: the error answers, their OpenAPI, the failed sign-in limits, and
    (outermost, so that a refused request reaches none of them) the limit on requests in progress."""
    http_errors.install(app)
    openapi_answers.install(app)
    sign_in_limits.install(app, settings.failed_credentials_per_client, settings.failed_credentials_per_partner)
    admission.install(app, settings.http_max_in_flight, settings.http_queue_seconds)


# The dependencies below are coroutines: a route's own work runs in one worker thread, and these cost it no extra
# hop through the thread pool (a plain ``def`` dependency is run in a thread of its own, each time).
async def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    uow = request.app.state.runtime.unit_of_work()  # a Session: no connection until first used
    try:
        yield uow
    finally:
        await _close(uow.session, uow.__exit__)


async def _session(request: Request) -> AsyncIterator[Session]:
    """A session of the route's own. It may write (the board's sign-in does), so it is the writers' engine: on
    SQLite a deferred read that then writes fails at once when another writer committed meanwhile."""
    session = Session(request.app.state.runtime.engine)
    try:
        yield session
    finally:
        await _close(session, lambda *_: session.close())


async def _close(session: Session, close: Callable[..., None]) -> None:
    """A session still in a transaction talks to the database to end it: in a thread; otherwise here."""
    if session.in_transaction():
        await asyncio.to_thread(close, None, None, None)
    else:
        close(None, None, None)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
SessionDep = Annotated[Session, Depends(_session)]
S = TypeVar("S", bound=ServiceSettings)


def settings_of(settings_class: type[S]) -> Callable[[Runtime], S]:
    """A dependency giving a route its service's own settings class (``Depends(settings_of(HandoffSettings))``)."""

    async def settings(runtime: RuntimeDep) -> S:
        assert isinstance(runtime.settings, settings_class), f"this service runs with {settings_class.__name__}"
        return runtime.settings

    return settings


def serve(
    app: FastAPI,
    settings: ServiceSettings,
    server: Callable[[uvicorn.Config], uvicorn.Server] = uvicorn.Server,
    **config: Any,
) -> None:
    """Run the service's HTTP server until it is told to stop, or until a background task of its runtime stops
    by itself: then the server stops as if signalled, and the process exits with ``EXIT_TASK_STOPPED``."""
    setup_logging()
    running = server(
        uvicorn.Config(
            app, host=settings.http_host, port=settings.http_port, log_level="warning", access_log=False, **config
        )
    )
    supervisor: Supervisor = app.state.runtime.supervisor
    supervisor.on_failure = lambda: setattr(running, "should_exit", True)
    running.run()
    if supervisor.stopped:
        raise SystemExit(EXIT_TASK_STOPPED)
