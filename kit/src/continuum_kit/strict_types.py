"""Types that accept only what the OpenAPI says they accept, where pydantic's lax parsing would take more."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_8601(value: Any) -> Any:
    # Lax parsing reads a number (0, "0.5") as seconds since 1970; the OpenAPI says date-time (RFC 3339).
    if not isinstance(value, datetime) and not (isinstance(value, str) and _ISO_8601.match(value)):
        raise ValueError("must be a date-time with its offset, e.g. 2026-01-31T08:00:00Z")
    return value


IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]


def _iso_date(value: Any) -> Any:
    # Lax parsing reads a number (0) as a day counted from 1970; the OpenAPI says date (2026-01-31).
    if not isinstance(value, date) and not (isinstance(value, str) and _ISO_DATE.match(value)):
        raise ValueError("must be a date, e.g. 2026-01-31")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoTimestamp = Annotated[datetime, BeforeValidator(_iso_8601)]  # as IsoDatetime, the offset optional
