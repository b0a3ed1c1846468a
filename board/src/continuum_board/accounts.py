"""Operators and their sign-ins: scrypt password hashes, random session tokens kept only as SHA-256 hashes.

Passwords are hashed by the kit's ``passwords`` (scrypt, salted, work factors stored with the hash), as
partner secrets are.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from continuum_kit.passwords import DECOY_HASH, hash_secret, verify_secret
from sqlalchemy import delete
from sqlmodel import Session, col, select

from continuum_board.store import Operator, SessionRow


class OperatorExists(Exception):
    pass


def create_operator(session: Session, username: str, password: str, now: datetime) -> Operator:
    if session.get(Operator, username) is not None:
        raise OperatorExists(username)
    operator = Operator(username=username, password_hash=hash_secret(password), created_at=now)
    session.add(operator)
    session.commit()
    return operator


def remove_operator(session: Session, username: str) -> bool:
    """Delete the operator and end every sign-in of theirs at once."""
    operator = session.get(Operator, username)
    if operator is None:
        return False
    session.exec(delete(SessionRow).where(SessionRow.username == username))  # type: ignore[call-overload]
    session.delete(operator)
    session.commit()
    return True


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(session: Session, username: str, password: str, now: datetime, lifetime: timedelta) -> str | None:
    """A new session token if the credentials are right, else None (the same answer for any wrong part)."""
    operator = session.get(Operator, username)
    if operator is None or operator.disabled:
        verify_secret(password, DECOY_HASH)  # an unknown name costs as long as a wrong password
        return None
    if not verify_secret(password, operator.password_hash):
        return None
    session.exec(delete(SessionRow).where(SessionRow.expires_at <= now))  # type: ignore[call-overload]
    token = secrets.token_urlsafe(32)
    session.add(SessionRow(token_hash=_token_hash(token), username=username, created_at=now, expires_at=now + lifetime))
    session.commit()
    return token


@dataclass(frozen=True)
class SignedIn:
    username: str
    expires_at: datetime


def signed_in(session: Session, token: str | None, now: datetime) -> SignedIn | None:
    if not token or len(token) > 200:
        return None
    row = session.get(SessionRow, _token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    return SignedIn(row.username, row.expires_at)


def sign_out(session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))  # type: ignore[call-overload]
        session.commit()


def operators(session: Session) -> list[Operator]:
    return list(session.exec(select(Operator).order_by(col(Operator.username))).all())
