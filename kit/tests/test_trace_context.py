"""With no traces exported, a request's events still carry its trace: the partner's, or a new one per request;
and a service's app runs none of FastAPI's own telemetry beside the kit's."""

from continuum_kit.db import make_engine
from continuum_kit.service import Runtime
from continuum_kit.settings import ServiceSettings
from continuum_kit.trace_context import TraceContext
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

PARTNER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARTNER_PARENT = f"00-{PARTNER_TRACE}-00f067aa0ba902b7-01"


def app() -> FastAPI:
    app = FastAPI()

    @app.post("/events")
    def emit() -> dict[str, str]:  # a plain def: run in a worker thread, as the services' routes are
        carrier: dict[str, str] = {}
        propagate.inject(carrier)  # what UnitOfWork.emit writes on each event
        return carrier

    app.add_middleware(TraceContext, tracer=TracerProvider(sampler=ALWAYS_OFF).get_tracer("test"))
    return app


def trace_id(carrier: dict[str, str]) -> str:
    version, trace, span, flags = carrier["traceparent"].split("-")
    assert (version, len(trace), len(span), len(flags)) == ("00", 32, 16, 2)
    return trace


def test_the_partners_trace_is_carried_on():
    with TestClient(app()) as client:
        carried = client.post("/events", headers={"traceparent": PARTNER_PARENT}).json()
    assert trace_id(carried) == PARTNER_TRACE
    assert carried["traceparent"] != PARTNER_PARENT  # the service's own (unrecorded) span, as a child


def test_without_one_each_request_starts_a_trace_of_its_own():
    with TestClient(app()) as client:
        first, second = (client.post("/events").json() for _ in range(2))
    assert trace_id(first) != trace_id(second)
    assert int(trace_id(first), 16) != 0


def test_a_service_app_runs_none_of_fastapis_own_telemetry(tmp_path):
    """FastAPI's native telemetry would add a server span, a span per endpoint call and a metric per request on
    the global providers the kit sets: CPU on every request for telemetry the kit already keeps (or drops)."""
    settings = ServiceSettings(
        service_name="kit-test", kafka_bootstrap="127.0.0.1:1", episode_topic="t", dead_letter_topic="t.dlq"
    )
    runtime = Runtime(
        settings, handlers={}, migrations_package="unused", engine=make_engine(f"sqlite:///{tmp_path}/db")
    )
    router, seen = APIRouter(), []

    @router.get("/probe")
    def probe(request: Request) -> dict[str, bool]:
        seen.append("fastapi.telemetry" in request.scope)  # FastAPI's per-request telemetry state
        return {}

    client = TestClient(runtime.create_app(title="kit-test", routers=[router]))  # no lifespan: no broker needed
    assert client.get("/probe").status_code == 200
    assert seen == [False]
