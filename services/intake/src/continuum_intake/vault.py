"""The person vault's cryptography: personal details encrypted at rest, and blind indexes to match on.

Fernet (AES-CBC with HMAC) under a MultiFernet, so that keys can rotate: the first key encrypts, every
key decrypts. Matching never decrypts: it compares keyed HMACs of normalized details ("blind indexes"),
so the database alone reveals neither the details nor which rows share a phone number.
"""

import hashlib
import hmac
from datetime import date

from cryptography.fernet import Fernet, MultiFernet
from pydantic import SecretStr

from continuum_intake.match_rules import name_with_birth_date, normalized_name, normalized_phone


class Vault:
    def __init__(self, keys: list[SecretStr], index_key: SecretStr) -> None:
        self._fernet = MultiFernet([Fernet(key.get_secret_value()) for key in keys])
        self._index_key = index_key.get_secret_value().encode()

    def seal(self, value: str | None) -> str | None:
        return None if value is None else self._fernet.encrypt(value.encode()).decode("ascii")

    def unseal(self, token: str | None) -> str | None:
        return None if token is None else self._fernet.decrypt(token.encode("ascii")).decode()

    def seal_date(self, value: date | None) -> str | None:
        return self.seal(value.isoformat() if value else None)

    def unseal_date(self, token: str | None) -> date | None:
        value = self.unseal(token)
        return date.fromisoformat(value) if value else None

    def _index(self, kind: str, normalized: str | None) -> str | None:
        # The kind is mixed in so that a phone index can never equal a name index.
        if normalized is None:
            return None
        return hmac.new(self._index_key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()

    def request_fingerprint(self, payload: str) -> str:
        """A keyed digest of a partner's request body, to tell a retry from a reused Idempotency-Key."""
        return hmac.new(self._index_key, f"request:{payload}".encode(), hashlib.sha256).hexdigest()

    def phone_index(self, phone: str | None) -> str | None:
        return self._index("phone", normalized_phone(phone))

    def name_index(self, name: str | None) -> str | None:
        return self._index("name", normalized_name(name))

    def name_birth_date_index(self, name: str | None, date_of_birth: date | None) -> str | None:
        return self._index("name+dob", name_with_birth_date(name, date_of_birth))
