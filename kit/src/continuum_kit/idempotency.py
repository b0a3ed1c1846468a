"""A partner's retry never doubles an effect: the first answer to a request key is stored and given again.

A request names itself by keys: the ``Idempotency-Key`` header (IETF httpapi-idempotency-key-header), and
where a partner's standard already has one, its own id (a 911 CAD's incident tracking id, a 311 request
id). The answer is stored in the transaction that made the effect, so a request and its answer commit
together; a retry finds the answer and changes nothing (200, the first body). Two requests racing with
one key both do the work, and the database's primary key lets only one commit: the other rolls back
everything it did and answers with the winner's answer. A key used again with a different request is
refused (422): the partner's bug, not a retry.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from alembic import op
from fastapi import Header, Response, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from continuum_kit.db import UTCDateTime
from continuum_kit.delivery import UnitOfWork

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,128}$"  # printable ASCII, no spaces: what a partner's client generates


class AnsweredRequest(SQLModel, table=True):
    """The first answer a caller got for a request key; the primary key refuses a second effect."""

    __tablename__ = "answered_request"
    caller: str = Field(primary_key=True, max_length=100)
    request_key: str = Field(primary_key=True, max_length=200)
    fingerprint: str = Field(max_length=64)
    body: Any = Field(sa_column=Column(JSON, nullable=False))
    answered_at: datetime = Field(sa_type=UTCDateTime)


def create_answered_request_table() -> None:
    """For a service's migration: the table of answered requests."""
    op.create_table(
        "answered_request",
        sa.Column("caller", sa.String(length=100), nullable=False),
        sa.Column("request_key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("caller", "request_key"),
    )


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        pattern=KEY_PATTERN,
        description="a key the caller makes for this request: a retry with the same key gets the first answer "
        "(200) and changes nothing",
    ),
]


@dataclass(frozen=True)
class RequestKeys:
    """How one request names itself: a route's own id and/or the caller's ``Idempotency-Key``."""

    caller: str
    route: str
    fingerprint: str
    natural: str | None = None
    header: str | None = None

    def keys(self) -> list[str]:
        keys = [f"{self.route} id {self.natural}"] if self.natural is not None else []
        return keys + ([f"{self.route} key {self.header}"] if self.header is not None else [])


def sha256_fingerprint(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def request_keys(
    caller: str,
    route: str,
    body: BaseModel | None,
    header: str | None,
    natural: str | None = None,
    *,
    fingerprint: Callable[[str], str] = sha256_fingerprint,
) -> RequestKeys:
    """The request's keys, with a fingerprint of what it asked (so that a reused key is told apart).

    A body that carries personal details is fingerprinted with a keyed HMAC (``fingerprint``), so that the
    stored digest cannot be matched against guessed details.
    """
    payload = "" if body is None else body.model_dump_json()
    return RequestKeys(caller, route, fingerprint(payload), natural, header)


def _earlier(session: Session, request: RequestKeys) -> AnsweredRequest | None:
    keys = request.keys()
    if not keys:
        return None
    query = select(AnsweredRequest).where(
        AnsweredRequest.caller == request.caller, col(AnsweredRequest.request_key).in_(keys)
    )
    answers = session.exec(query).all()
    for answer in answers:
        if answer.request_key.startswith(f"{request.route} key ") and answer.fingerprint != request.fingerprint:
            raise RequestValidationError(
                [
                    {
                        "type": "value_error",
                        "loc": ("header", HEADER),
                        "msg": f"this {HEADER} was used before with a different request; make a new key",
                    }
                ]
            )
    return answers[0] if answers else None


def answer_once(
    uow: UnitOfWork, request: RequestKeys, response: Response, work: Callable[[], BaseModel], *, status_code: int
) -> Any:
    """The stored first answer to a repeated request (200), or the answer of ``work`` stored with its effect.

    ``work`` makes its changes in ``uow`` without committing; this commits them with the answer.
    """
    if (earlier := _earlier(uow.session, request)) is not None:
        response.status_code = status.HTTP_200_OK
        return earlier.body
    answer = jsonable_encoder(work())
    now = uow.clock.now()
    for key in request.keys():
        uow.session.add(
            AnsweredRequest(
                caller=request.caller,
                request_key=key,
                fingerprint=request.fingerprint,
                body=answer,
                answered_at=now,
            )
        )
    try:
        uow.commit()
    except IntegrityError:
        # The same request at the same moment: the other one committed first, and nothing of ours did.
        uow.session.rollback()
        if (earlier := _earlier(uow.session, request)) is None:
            raise
        response.status_code = status.HTTP_200_OK
        return earlier.body
    response.status_code = status_code
    return answer


REPLAYED = {200: {"description": "a retry: the same caller sent this request before, and this is the first answer"}}
