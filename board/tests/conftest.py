"""The board's fixtures: the board app on a real broker and a topic of the test's own."""

from collections.abc import Callable

import pytest
from continuum_board.app import create_app
from continuum_board.config import BoardSettings
from continuum_board.testing import ADMIN_TOKEN, T0, Topic
from continuum_kit.clock import ManualClock
from fastapi import FastAPI
from opentelemetry.sdk.metrics.export import InMemoryMetricReader


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def metric_reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


def board_settings(tmp_path, **overrides) -> BoardSettings:
    return BoardSettings(
        data_dir=tmp_path / "data",
        admin_token=ADMIN_TOKEN,
        board_refresh_seconds=0.2,
        session_cookie_secure=True,
        **overrides,
    )


@pytest.fixture
def board(kafka_bootstrap, topic, tmp_path, clock, metric_reader) -> Callable:
    """Builds the board on the test's topic; its own consumer group, like a deployment's fifth process."""

    def build(database_url: str | None = None, metric_readers=None, **overrides) -> tuple[FastAPI, Topic]:
        defaults = dict(
            kafka_bootstrap=kafka_bootstrap,
            episode_topic=topic,
            dead_letter_topic=f"{topic}.dlq",
            group_prefix=topic,
            database_url=database_url,
        )
        settings = board_settings(tmp_path, **{**defaults, **overrides})
        app = create_app(settings, clock, metric_readers=metric_readers or [metric_reader])
        return app, Topic(kafka_bootstrap, topic)

    return build
