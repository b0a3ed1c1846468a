"""A background task that ends by itself stops its service, so that the restart policy starts it again: never a
process that answers HTTP (and ``/health`` 200) while its events, outbox or timers have stopped moving."""

import asyncio
import logging
import os
import subprocess
import sys
import textwrap

import httpx
import pytest
from continuum_dispatch.app import create_app as create_dispatch
from continuum_dispatch.config import DispatchSettings
from continuum_kit.supervision import EXIT_TASK_STOPPED
from continuum_sim.stack import free_port

pytestmark = pytest.mark.kafka
PHI = "Dana Example, 12 Elm Street"  # what an exception's text could carry: never logged


def _settings(kafka_bootstrap: str, topic: str, tmp_path) -> DispatchSettings:
    return DispatchSettings(
        kafka_bootstrap=kafka_bootstrap,
        episode_topic=topic,
        dead_letter_topic=f"{topic}.dlq",
        data_dir=tmp_path,
        group_prefix=topic,
        timer_sweep_seconds=0.2,
    )


async def test_a_consumer_loop_that_dies_makes_health_503_naming_it_and_stops_the_server(
    kafka_bootstrap, topic, tmp_path, caplog
):
    caplog.set_level(logging.INFO)
    app = create_dispatch(_settings(kafka_bootstrap, topic, tmp_path))
    runtime = app.state.runtime
    told_to_stop: list[bool] = []
    runtime.supervisor.on_failure = lambda: told_to_stop.append(True)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dispatch") as client:
            before = await client.get("/health")

            async def broken_fetch(*_args: object, **_kwargs: object) -> dict:
                raise RuntimeError(PHI)

            runtime.events.client.getmany = broken_fetch  # not a KafkaError: nothing in the loop expects it
            for _ in range(100):
                after = await client.get("/health")
                if after.status_code != 200:
                    break
                await asyncio.sleep(0.1)

    assert before.status_code == 200 and before.json()["stopped"] == []
    assert after.status_code == 503
    assert after.json()["status"] == "unavailable" and after.json()["stopped"] == ["episode-events"]
    assert after.json()["database"]["reachable"] and after.json()["broker"]["reachable"]
    assert told_to_stop == [True], "the server was not told to stop"
    critical = [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]
    said = "episode-events stopped while the service runs (RuntimeError); the service stops, to be restarted"
    assert critical == [said]
    assert PHI not in caplog.text


def test_a_served_service_whose_timer_task_dies_exits_with_the_restart_code(kafka_bootstrap, topic, tmp_path):
    """The real server: uvicorn stops as if signalled, the lifespan ends, and the process exits with 70."""
    port = free_port()
    script = tmp_path / "serve_broken.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio
            from continuum_dispatch.app import create_app
            from continuum_dispatch.config import DispatchSettings
            from continuum_kit.service import serve
            from continuum_kit.settings import load_settings

            settings = load_settings(DispatchSettings)
            app = create_app(settings)
            timers = app.state.runtime.timers

            async def sweeps_that_break():
                await asyncio.sleep(1.0)
                raise LookupError("Dana Example")

            timers.run = sweeps_that_break
            serve(app, settings)
            """
        )
    )
    env = {
        **os.environ,
        "CONTINUUM_ENVIRONMENT": "development",
        "CONTINUUM_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "CONTINUUM_EPISODE_TOPIC": topic,
        "CONTINUUM_DEAD_LETTER_TOPIC": f"{topic}.dlq",
        "CONTINUUM_GROUP_PREFIX": topic,
        "CONTINUUM_DATA_DIR": str(tmp_path / "data"),
        "CONTINUUM_HTTP_PORT": str(port),
    }
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == EXIT_TASK_STOPPED, done.stderr[-2000:]
    assert "timer-sweeps stopped while the service runs (LookupError)" in done.stderr
    assert "Dana Example" not in done.stderr + done.stdout
