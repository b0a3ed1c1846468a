"""The board's composition root: the only place that builds the board's parts."""

from collections.abc import Sequence

from continuum_kit import openapi_answers
from continuum_kit.clock import Clock
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry.sdk.metrics.export import MetricReader
from sqlalchemy import Engine

from continuum_board import api, queue_api
from continuum_board.config import BoardSettings
from continuum_board.kpis import dimensions
from continuum_board.runtime import BoardRuntime


async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """A 422 names the field and the problem, never the input: it could be a password."""
    detail = [{"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def create_app(
    settings: BoardSettings | None = None,
    clock: Clock | None = None,
    *,
    engine: Engine | None = None,
    metric_readers: Sequence[MetricReader] = (),
) -> FastAPI:
    settings = settings or BoardSettings()
    runtime = BoardRuntime(settings, clock=clock, engine=engine, metric_readers=metric_readers)
    app = runtime.create_app(
        title="Continuum board: operations board, episode timelines, crisis KPIs",
        routers=[api.router, queue_api.router],
    )
    # FastAPI's decorator takes a handler typed with its exception's class; Starlette's add_exception_handler wants
    # one that takes any Exception.
    app.exception_handler(RequestValidationError)(_invalid)
    # The breakdowns are the county's: its demographic fields beside program, channel and area.
    openapi_answers.amend(app, openapi_answers.query_values("by", list(dimensions(settings))))
    return app
