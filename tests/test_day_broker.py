"""continuum-day starts (and afterwards stops) deploy/kafka.sh's broker only when none listens there already:
a broker someone else started, a test run's or an operator's, is left running."""

import socket

import pytest
from continuum_sim import day


@pytest.fixture
def scripts(monkeypatch):
    called: list[str] = []
    monkeypatch.setattr(day, "_kafka", called.append)

    async def ran(args, console, given=None) -> int:
        called.append(f"day on {args.kafka}")
        return 0

    monkeypatch.setattr(day, "run", ran)
    return called


def _play() -> int:
    with pytest.raises(SystemExit) as ended:
        day.play(day.argument_parser().parse_args([]))
    return ended.value.code


def test_a_broker_already_listening_is_used_and_left_running(scripts, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        monkeypatch.setenv("KAFKA_PORT", str(port))
        assert _play() == 0
    assert scripts == [f"day on 127.0.0.1:{port}"]


def test_without_a_broker_the_day_starts_one_and_stops_it_after(scripts, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]  # free once closed
    monkeypatch.setenv("KAFKA_PORT", str(port))
    assert _play() == 0
    assert scripts == ["start", f"day on 127.0.0.1:{port}", "stop"]
