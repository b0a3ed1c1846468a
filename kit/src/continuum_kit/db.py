"""Database plumbing: engines for SQLite (embedded default) and PostgreSQL, UTC timestamps, migrations."""

from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, Generic, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, DateTime, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from continuum_kit.sqlite_turns import TurnTakingConnection, turns_for


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no zone, so it is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Continuum stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


READ_ONLY = "continuum_read_only"
"""An execution option: this connection only reads, so on SQLite its transaction begins deferred (a shared lock,
taken at the first read) and does not wait for, or hold up, the one writer."""


def make_engine(url: str, *, wait_seconds: float = 5.0) -> Engine:
    """An engine whose transactions wait at most ``wait_seconds`` for a pooled connection and, on PostgreSQL, for
    a lock (``lock_timeout``); then the statement fails, the transaction rolls back, and an HTTP request is
    answered 503 (``http_errors``) or an event retried (``retries``), rather than waiting on."""
    if url.startswith("sqlite"):
        busy_seconds = 30
        connect_args = {"check_same_thread": False, "timeout": busy_seconds, "factory": TurnTakingConnection}
        engine = create_engine(url, connect_args=connect_args, pool_timeout=wait_seconds)
        database = engine.url.database or ""

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.turns = turns_for(database)  # writers take turns in the process (sqlite_turns.py)
            # Let SQLAlchemy, not pysqlite, open transactions, so that they can be IMMEDIATE:
            # a deferred read-then-write transaction fails at once under a concurrent writer.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_seconds * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            if connection.get_execution_options().get(READ_ONLY, False):
                connection.exec_driver_sql("BEGIN")
                return
            driver = connection.connection.dbapi_connection
            driver.take_turn(busy_seconds)
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                driver.give_turn()
                raise

        return engine
    lock_timeout = f"-c lock_timeout={max(1, round(wait_seconds * 1000))}"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=wait_seconds,
        connect_args={"options": lock_timeout},
    )


S = TypeVar("S")


class PerDialect(Generic[S]):
    """A statement built once for each database Continuum runs on, where their dialects spell it differently
    (``INSERT … ON CONFLICT``): ``PerDialect(lambda d: d.insert(table).on_conflict_do_nothing())``, then
    ``connection.execute(statements.on(connection), values)``. Built once: no statement construction per call."""

    def __init__(self, build: Callable[[ModuleType], S]) -> None:
        self._built = {"postgresql": build(postgresql), "sqlite": build(sqlite)}

    def on(self, connection: Connection) -> S:
        return self._built[connection.dialect.name]


M = TypeVar("M")
C = TypeVar("C")


def read_copy(engine: Engine, model: type[M], key: object, copy: Callable[[M], C]) -> C | None:
    """A row by its primary key as a plain copy (None if there is none), read in a session of its own and closed
    at once: on SQLite an open one would hold the lock the request's unit of work needs."""
    with Session(engine) as session:
        row = session.get(model, key)
        return None if row is None else copy(row)


def writes_serialized(session: Session) -> bool:
    """Whether this session's writing transaction holds the database's one write lock from its start (SQLite,
    whose transactions here begin IMMEDIATE): nothing it read can change under it, so it need not lock rows or
    read them again (PostgreSQL's ``FOR UPDATE``)."""
    return session.get_bind().dialect.name == "sqlite"


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - health reports any failure as unreachable
        return False


# Any fixed number: instances of a service upgrading one database at once take turns on it.
MIGRATION_LOCK = 0x636F6E74  # "cont"


def migrate(engine: Engine, migrations_package: str) -> None:
    """Bring the service's schema to the newest revision (alembic, scripts inside the service package).

    On PostgreSQL the upgrade holds a transaction-level advisory lock, so that two instances starting at once
    on a fresh database take turns: the second waits, then finds the schema at head and has nothing to do.
    (SQLite is the single-instance embedded default.)
    """
    config = Config()
    config.set_main_option("script_location", f"{migrations_package}:migrations")
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # An upgrade waits for its turn and for its tables as long as it takes: no lock_timeout here.
            connection.execute(text("SET LOCAL lock_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
