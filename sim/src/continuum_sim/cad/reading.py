"""Reading a calls-for-service CSV through a county mapping: the header is checked before any row is read."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from continuum_sim.cad.mapping import CountyMapping, Refused

TIME_FIELDS = ("received", "dispatched", "arrived", "cleared")


@dataclass(frozen=True)
class Call:
    """One row, as the common fields; a time is None when the export left it empty or it did not parse."""

    line: int
    call_type: str
    description: str
    priority: str
    disposition: str
    district: str
    received: datetime | None
    dispatched: datetime | None
    arrived: datetime | None
    cleared: datetime | None


@dataclass(frozen=True)
class Problem:
    """A row the analysis could not wholly read: where, and what; never the value."""

    line: int
    column: str | None
    problem: str


def _shown(name: str) -> str:
    return repr(name if len(name) <= 60 else name[:57] + "...")


def check_header(header: list[str], mapping: CountyMapping) -> dict[str, int]:
    """Common field -> column index; refuses a column neither mapped nor ignored, and a mapped column missing."""
    mapped = mapping.columns.mapped()
    known = set(mapped.values()) | set(mapping.ignored)
    if unmapped := [name for name in header if name not in known]:
        raise Refused(
            f"columns not in the mapping (map them under columns or list them under ignored): "
            f"{', '.join(_shown(name) for name in unmapped)}"
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise Refused(f"columns named twice in the header: {', '.join(_shown(name) for name in duplicated)}")
    if missing := [f"{column} ({field})" for field, column in mapped.items() if column not in header]:
        raise Refused(f"mapped columns missing from the CSV: {', '.join(missing)}")
    return {field: header.index(column) for field, column in mapped.items()}


def _time(text: str, time_format: str | None) -> datetime:
    if time_format is None:
        return datetime.fromisoformat(text)
    return datetime.strptime(text, time_format)


def _call(line: int, row: list[str], at: dict[str, int], mapping: CountyMapping, problems: list[Problem]) -> Call:
    def text(field: str) -> str:
        return row[at[field]].strip() if field in at else ""

    times: dict[str, datetime | None] = {}
    for field in TIME_FIELDS:
        value = text(field)
        times[field] = None
        if not value:
            continue
        try:
            times[field] = _time(value, mapping.time_format)
        except ValueError:
            problems.append(Problem(line, at_column(mapping, field), "unparseable time"))
    return Call(
        line=line,
        call_type=text("call_type"),
        description=text("description"),
        priority=text("priority"),
        disposition=text("disposition"),
        district=text("district"),
        **times,
    )


def at_column(mapping: CountyMapping, field: str) -> str:
    return mapping.columns.mapped()[field]


def read_calls(path: Path, mapping: CountyMapping, problems: list[Problem]) -> Iterator[Call]:
    """The CSV's calls; a row that cannot be read is added to ``problems`` and skipped, a bad time is added and
    left None. Raises Refused (before the first row) for an unreadable file or a header the mapping does not fit."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as error:
        raise Refused(f"cannot read the CSV {path}: {error.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise Refused(f"the CSV {path} is empty: no header") from None
        except csv.Error as error:
            raise Refused(f"the CSV {path} has no readable header: {error}") from None
        at = check_header([name.strip() for name in header], mapping)
        width = len(header)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                problems.append(Problem(reader.line_num, None, "unreadable row"))
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                problems.append(Problem(reader.line_num, None, f"{len(row)} fields, the header has {width}"))
                continue
            yield _call(reader.line_num, row, at, mapping, problems)
