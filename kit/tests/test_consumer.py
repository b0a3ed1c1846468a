"""The consumer's promises, on a real SQLite database: once-only effects, retries, dead letters."""

import uuid

import pytest
from aiokafka.errors import (
    InvalidTopicError,
    KafkaConnectionError,
    MessageSizeTooLargeError,
    RequestTimedOutError,
    TopicAuthorizationFailedError,
)
from continuum_contracts import Envelope, to_kafka
from continuum_contracts.events import EpisodeClosedV1, FollowupCompletedV1
from continuum_kit.clock import ManualClock
from continuum_kit.consumer import EventConsumer, Outcome, Record
from continuum_kit.db import make_engine
from continuum_kit.delivery import OutboxMessage, ProcessedEvent, UnitOfWork
from continuum_kit.retries import is_transient
from continuum_kit.testing import RecordingDeadLetters
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, select


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kit.db'}")
    SQLModel.metadata.create_all(engine, tables=[ProcessedEvent.__table__, OutboxMessage.__table__])
    return engine


def _consumer(engine, handlers, dead_letters):
    clock = ManualClock()
    return EventConsumer(
        "test-consumer",
        handlers,
        lambda: UnitOfWork(engine, source="/continuum/test", topic="t", clock=clock),
        dead_letters,
        retry_initial=0.01,
        retry_max=0.02,
    )


def _record(envelope: Envelope | None = None, value: bytes | None = None, offset: int = 0) -> Record:
    envelope = envelope or Envelope.new(EpisodeClosedV1(reason="plan_complete"), episode_id=uuid.uuid4(), source="/t")
    kafka = to_kafka(envelope)
    return Record("t", 0, offset, kafka.key, value if value is not None else kafka.value, kafka.headers)


def _emit_once(uow, envelope):
    uow.emit(
        FollowupCompletedV1(followup_id=uuid.uuid4(), sequence=1, reached=True, attempts=1), episode_id=envelope.subject
    )


def _outbox_count(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxMessage)).all())


async def test_redelivered_event_takes_effect_once(engine):
    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {EpisodeClosedV1: _emit_once}, dead)
    record = _record()
    assert await consumer.process(record) is Outcome.APPLIED
    assert await consumer.process(record) is Outcome.DUPLICATE
    assert _outbox_count(engine) == 1 and dead.published == []


async def test_transient_database_failure_is_retried_not_dead_lettered(engine):
    failures = iter([OperationalError("stmt", {}, Exception("database is locked"))] * 2)

    def flaky(uow, envelope):
        if (error := next(failures, None)) is not None:
            raise error
        _emit_once(uow, envelope)

    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {EpisodeClosedV1: flaky}, dead)
    assert await consumer.process(_record()) is Outcome.APPLIED
    assert _outbox_count(engine) == 1 and dead.published == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [(b"\x00garbage", "not valid JSON"), (b'{"reason": "because"}', "payload does not match")],
)
async def test_malformed_event_is_dead_lettered_with_reason_and_original_bytes(engine, value, reason):
    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {EpisodeClosedV1: _emit_once}, dead)
    assert await consumer.process(_record(value=value)) is Outcome.DEAD_LETTERED
    assert reason in dead.published[0]["reason"] and dead.published[0]["value"] == value
    assert await consumer.process(_record(offset=1)) is Outcome.APPLIED


async def test_handler_failure_is_dead_lettered_without_its_message_text(engine):
    def broken(uow, envelope):
        raise ValueError("Jordan Example, 555-0100")

    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {EpisodeClosedV1: broken}, dead)
    assert await consumer.process(_record()) is Outcome.DEAD_LETTERED
    assert dead.published[0]["reason"] == "continuum.episode.closed.v1 handler failed: ValueError"


async def test_event_types_the_service_does_not_handle_are_ignored(engine):
    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {}, dead)
    assert await consumer.process(_record()) is Outcome.IGNORED
    assert dead.published == [] and _outbox_count(engine) == 0


async def test_unreadable_record_of_a_type_the_service_does_not_handle_is_still_dead_lettered(engine):
    dead = RecordingDeadLetters()
    consumer = _consumer(engine, {}, dead)
    assert await consumer.process(_record(value=b"{not json")) is Outcome.DEAD_LETTERED
    assert "not valid JSON" in dead.published[0]["reason"]
    assert await consumer.process(_record(offset=1)) is Outcome.IGNORED and len(dead.published) == 1


class FlakyDeadLetters(RecordingDeadLetters):
    def __init__(self, *errors: Exception) -> None:
        super().__init__()
        self.errors = list(errors)

    async def publish(self, **kwargs) -> None:
        if self.errors:
            raise self.errors.pop(0)
        await super().publish(**kwargs)


async def test_dead_letter_topic_briefly_unavailable_is_waited_for(engine):
    dead = FlakyDeadLetters(KafkaConnectionError("down"), RequestTimedOutError())
    consumer = _consumer(engine, {}, dead)
    assert await consumer.process(_record(value=b"\x00")) is Outcome.DEAD_LETTERED
    assert len(dead.published) == 1 and dead.errors == []


@pytest.mark.parametrize("refusal", [TopicAuthorizationFailedError(), InvalidTopicError(), MessageSizeTooLargeError()])
async def test_a_dead_letter_refused_for_good_is_not_retried_and_the_stream_goes_on(engine, refusal):
    dead = FlakyDeadLetters(refusal, refusal)
    consumer = _consumer(engine, {EpisodeClosedV1: _emit_once}, dead)
    assert await consumer.process(_record(value=b"\x00")) is Outcome.UNRECORDED
    assert dead.errors == [refusal], "a refusal that can never succeed was retried"
    assert await consumer.process(_record(offset=1)) is Outcome.APPLIED


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("stmt", {}, Exception("server closed the connection")), True),
        (KafkaConnectionError(), True),
        (RequestTimedOutError(), True),
        (TimeoutError(), True),
        (MessageSizeTooLargeError(), False),
        (InvalidTopicError(), False),
        (TopicAuthorizationFailedError(), False),
        (IntegrityError("stmt", {}, Exception("duplicate key")), False),
        (ValueError("a handler bug"), False),
    ],
)
def test_only_failures_that_waiting_can_cure_are_retried(error, transient):
    assert is_transient(error) is transient
