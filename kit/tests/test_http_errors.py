"""A programming error on the HTTP path: the partner gets a plain 500, and the log the code frames without the
exception's text (which may quote the request)."""

import logging

from continuum_kit import http_errors
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel


class Note(BaseModel):
    text: str


def test_an_unexpected_error_answers_500_and_logs_its_type_and_frames_but_not_its_message(caplog):
    app = FastAPI()

    @app.post("/v1/notes")
    def take(note: Note) -> None:
        raise ValueError(f"cannot file {note.text}")

    http_errors.install(app)
    with caplog.at_level(logging.ERROR):
        answer = TestClient(app).post("/v1/notes", json={"text": "Dana Example lives at 12 Elm St"})
    assert (answer.status_code, answer.json()) == (500, {"detail": "internal error"})
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("POST /v1/notes failed: ValueError (message withheld)")
    assert "in take" in line and "Dana" not in line and "Elm" not in line
