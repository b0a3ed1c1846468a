"""SQLite writers take turns in the process: a writer holds the turn from its BEGIN until it commits, rolls back
or closes, and the next one then goes on; readers take none; two engines on one file share the turn."""

import threading

import pytest
from continuum_kit.db import READ_ONLY, make_engine
from continuum_kit.sqlite_turns import turns_for
from sqlalchemy import text


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "turns.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (n INTEGER)"))
    yield engine, path
    engine.dispose()


def _second_writer(engine) -> tuple[threading.Thread, threading.Event, list[int]]:
    """A second writer in a thread of its own; ``entered`` is set once its transaction has begun."""
    entered, seen = threading.Event(), []

    def write() -> None:
        with engine.begin() as connection:
            entered.set()
            seen.append(connection.execute(text("SELECT count(*) FROM note")).scalar_one())
            connection.execute(text("INSERT INTO note VALUES (2)"))

    thread = threading.Thread(target=write)
    thread.start()
    return thread, entered, seen


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_next_writer_begins_once_the_one_before_ends(database, end):
    engine, path = database
    turns = turns_for(str(path))
    first = engine.connect()
    transaction = first.begin()
    first.execute(text("INSERT INTO note VALUES (1)"))
    assert turns.locked()  # the first writer holds the turn
    thread, entered, seen = _second_writer(engine)
    {"commit": transaction.commit, "rollback": transaction.rollback, "close": first.close}[end]()
    if end != "close":
        first.close()
    thread.join(10)
    assert entered.is_set() and not thread.is_alive()
    assert seen == [1 if end == "commit" else 0]  # it began after the first ended, and saw what that left
    assert not turns.locked()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM note")).scalar_one() == seen[0] + 1


def test_a_reader_never_waits_for_the_writer(database):
    engine, path = database
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO note VALUES (1)"))
        assert turns_for(str(path)).locked()
        answers = []
        reader = threading.Thread(
            target=lambda: answers.append(_read(engine.execution_options(**{READ_ONLY: True}))), daemon=True
        )
        reader.start()
        reader.join(10)
        assert answers == [0]  # read while the writer held its turn, the committed state (WAL)


def _read(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM note")).scalar_one()


def test_two_engines_on_one_file_share_the_turn(database):
    engine, path = database
    other = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as mine, other.connect() as theirs:
            turns = mine.connection.dbapi_connection.turns
            assert turns is theirs.connection.dbapi_connection.turns is turns_for(str(path))
            with theirs.begin():
                theirs.execute(text("INSERT INTO note VALUES (1)"))
                assert turns.locked()
            assert not turns.locked()
    finally:
        other.dispose()
