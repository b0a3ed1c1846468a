"""Types that accept only what the OpenAPI says they accept, where pydantic's lax parsing would take more."""

import re
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_8601(value: Any) -> Any:
    # Lax parsing reads a number ("0.5") as seconds since 1970; the OpenAPI says date-time (RFC 3339).
    if isinstance(value, str) and not _ISO_8601.match(value):
        raise ValueError("must be a date-time with its offset, e.g. 2026-01-31T08:00:00Z")
    return value


IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]
