"""Episodes already stored before the measurement (``--stored K``), to see whether the cost grows with them.

Up to ``through`` episodes (500 unless told) go through the services, as partners post them; a larger K starts with
that many and then, with the services stopped, copies their rows (every table of every service's database)
with a fresh UUID wherever one appears, in columns, JSON and text alike, until K episodes are stored. The
copies are real rows of real episodes, closed and published; they never passed through Kafka (the topic holds
the seed episodes' events only), and their people repeat the seeds' (the same details, sealed the same way)."""

import asyncio
import json
import re
import uuid
from collections import defaultdict

from continuum_sim.stack import SERVICES, Stack
from phases import episodes
from sqlalchemy import Integer, MetaData, create_engine, insert, select

# A UUID, with dashes or as 32 hex digits, not a piece of a longer hex string (a digest).
UUID = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{8}(-?)(?:[0-9a-fA-F]{4}\1){3}[0-9a-fA-F]{12}(?![0-9a-fA-F])")
BATCH = 5000


def _url(stack: Stack, service: str) -> str:
    env = stack.services[service].env
    return env.get("CONTINUUM_DATABASE_URL") or f"sqlite:///{stack.workdir / 'data' / f'{service}.db'}"


class _Fresh:
    """One copy's renaming: the same old id gets the same new id in every table and column of the copy."""

    def __init__(self) -> None:
        self.ids: dict[str, uuid.UUID] = {}

    def _new(self, old: str) -> uuid.UUID:
        return self.ids.setdefault(old.replace("-", "").lower(), uuid.uuid4())

    def _text(self, match: re.Match) -> str:
        new = self._new(match.group(0))
        return str(new) if "-" in match.group(0) else new.hex

    def value(self, value):
        if isinstance(value, uuid.UUID):
            return self._new(value.hex)
        if isinstance(value, str):
            return UUID.sub(self._text, value)
        if isinstance(value, dict | list):
            return json.loads(UUID.sub(self._text, json.dumps(value)))
        return value


def _has_id(row: dict) -> bool:
    return any(isinstance(v, uuid.UUID | str | dict | list) and UUID.search(str(v)) for v in row.values())


def copy_rows(url: str, copies: int) -> int:
    """``copies`` copies of every episode's rows in one database (not the roster, partners or accounts: rows
    with no id in them); returns the rows written. An autoincrement key is left to the database; a key with no
    id in it (a partner's own event id, a request key) gets the copy's number appended."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    with engine.connect() as connection:
        seeds = {t: [dict(r._mapping) for r in connection.execute(select(t))] for t in tables}
    seeds = {t: [r for r in rows if _has_id(r)] for t, rows in seeds.items()}
    written = 0
    pending: dict = defaultdict(list)
    with engine.begin() as connection:
        for n in range(copies):
            fresh = _Fresh()
            for table, rows in seeds.items():
                auto = [c.name for c in table.primary_key.columns if isinstance(c.type, Integer) and c.autoincrement]
                keys = [c.name for c in table.primary_key.columns if c.name not in auto]
                for row in rows:
                    new = {k: fresh.value(v) for k, v in row.items() if k not in auto}
                    if keys and all(new[k] == row[k] for k in keys) and isinstance(new[keys[-1]], str):
                        new[keys[-1]] = f"{new[keys[-1]]}~{n}"
                    pending[table].append(new)
            if sum(map(len, pending.values())) >= BATCH or n == copies - 1:
                for table in tables:  # parents before children
                    if pending[table]:
                        connection.execute(insert(table), pending[table])
                        written += len(pending[table])
                pending.clear()
    engine.dispose()
    return written


async def preload(stack: Stack, kafka: str, count: int, through: int = 500) -> str:
    """Store ``count`` closed episodes before the measurement; says how they were stored."""
    if count <= 0:
        return "none"
    seed = min(count, through)
    first = await episodes(stack, seed, None, seed=7001)
    through = first["closed"]
    if count <= through:
        return f"{through} through the services"
    copies = -(-(count - through) // through)  # whole copies of the seed episodes, rounding up
    await asyncio.sleep(2)  # the relays' last rows (the closures) published
    await asyncio.to_thread(stack.stop)
    written = {s: await asyncio.to_thread(copy_rows, _url(stack, s), copies) for s in SERVICES}
    await asyncio.to_thread(stack.start)
    return (
        f"{through} through the services, then {copies * through} copies of their rows with fresh ids"
        f" ({', '.join(f'{s} {w:,}' for s, w in written.items())} rows)"
    )
