"""Partner secrets: scrypt hashes at rest, constant-time checks, and a small memo of recent successes.

Stored as ``scrypt$n$r$p$salt_b64$hash_b64`` so that the cost can be raised later without breaking
old hashes. scrypt is slow on purpose (~50 ms); the memo spares a busy partner that cost on every
request without keeping any secret in memory: it holds an HMAC of the secret under a per-process key.
"""

import base64
import hashlib
import hmac
import secrets
from collections import OrderedDict
from threading import Lock

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
MAX_MEMORY = 64 * 1024 * 1024


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=HASH_BYTES)


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(secret, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


# Checked when the partner is unknown, so that a wrong name costs as long as a wrong secret.
DECOY_HASH = hash_secret(secrets.token_urlsafe(24))


class VerifiedSecrets:
    """Remembers (partner, stored hash) pairs whose secret was verified; a new hash (rotation) misses."""

    def __init__(self, capacity: int = 256) -> None:
        self._key = secrets.token_bytes(32)
        self._capacity = capacity
        self._seen: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = Lock()

    def _tag(self, secret: str) -> bytes:
        return hmac.new(self._key, secret.encode(), hashlib.sha256).digest()

    def known(self, partner_id: str, stored: str, secret: str) -> bool:
        """True if this secret was verified against this stored hash before: no scrypt, no I/O."""
        with self._lock:
            tag = self._seen.get((partner_id, stored))
        return tag is not None and hmac.compare_digest(tag, self._tag(secret))

    def check(self, partner_id: str, stored: str, secret: str) -> bool:
        if self.known(partner_id, stored, secret):
            return True
        if not verify_secret(secret, stored):
            return False
        with self._lock:
            self._seen[(partner_id, stored)] = self._tag(secret)
            self._seen.move_to_end((partner_id, stored))
            while len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
        return True
