"""Operators and their sign-ins: scrypt password hashes, random session tokens kept only as SHA-256 hashes.

The hashing sits behind two functions (``hash_secret`` and ``verify_secret``) so that it can move to a
shared kit module without touching the rest of the board.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from continuum_board.store import Operator, SessionRow

# scrypt work factors: 2^15 x 8 x 1 needs 32 MiB and about 50 ms per check.
_N, _R, _P, _DKLEN = 2**15, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def hash_secret(secret: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): the salt and work factors travel with the hash."""
    salt = secrets.token_bytes(16)
    derived = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN, maxmem=_MAXMEM)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(derived)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = hashlib.scrypt(
            secret.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(base64.b64decode(expected)),
            maxmem=_MAXMEM,
        )
    except ValueError:
        return False
    return hmac.compare_digest(derived, base64.b64decode(expected))


# Compared against when the operator does not exist, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = hash_secret(secrets.token_urlsafe(16))


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
        verify_secret(password, _DUMMY_HASH)
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
