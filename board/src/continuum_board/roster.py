"""Dispatch's roster as the board shows it: teams (status, on duty, load) and places (beds, accepting), read from
dispatch's ``GET /v1/responders`` and ``GET /v1/places`` every ``roster_poll_seconds`` when ``dispatch_url`` is set.

Events carry bed holds and admissions but not a place's capacity, and a team that goes offline while idle causes no
event at all: only the roster knows. Codes and counts are kept, never a team's members. A failed read keeps the last
roster (the board shows when it was read) and is logged by its exception type only.
"""

import asyncio
import json
import logging
import urllib.request
from datetime import datetime

from continuum_kit.clock import Clock
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from continuum_board.store import RosterPlaceRow, RosterTeamRow

log = logging.getLogger(__name__)


def _get(url: str, timeout: float) -> list[dict]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - the county's configured dispatch URL
        return json.loads(response.read())


def store(session: Session, responders: list[dict], places: list[dict], now: datetime) -> None:
    """Replaces the stored roster with dispatch's current one."""
    session.exec(delete(RosterTeamRow))  # type: ignore[call-overload]
    session.exec(delete(RosterPlaceRow))  # type: ignore[call-overload]
    for r in responders:
        session.add(
            RosterTeamRow(
                responder_id=r["responder_id"],
                kind=r.get("kind"),
                status=r["status"],
                on_duty=bool(r.get("on_duty", True)),
                active_responses=int(r.get("active_responses", 0)),
                fetched_at=now,
            )
        )
    for p in places:
        session.add(
            RosterPlaceRow(
                place_id=p["place_id"],
                place_type=p["place_type"],
                capacity=int(p["capacity"]),
                accepting=bool(p.get("accepting", True)),
                reserved=int(p.get("reserved", 0)),
                occupied=int(p.get("occupied", 0)),
                available=int(p.get("available", 0)),
                fetched_at=now,
            )
        )
    session.commit()


def teams(session: Session) -> dict[str, RosterTeamRow]:
    return {t.responder_id: t for t in session.exec(select(RosterTeamRow).order_by(col(RosterTeamRow.responder_id)))}


def places(session: Session) -> dict[str, RosterPlaceRow]:
    return {p.place_id: p for p in session.exec(select(RosterPlaceRow).order_by(col(RosterPlaceRow.place_id)))}


class RosterReader:
    def __init__(self, engine: Engine, clock: Clock, dispatch_url: str, every_seconds: float) -> None:
        self.engine, self.clock = engine, clock
        self.base, self.every = dispatch_url.rstrip("/"), every_seconds

    def read_once(self) -> None:
        timeout = min(self.every, 10.0)
        responders = _get(f"{self.base}/v1/responders", timeout)
        beds = _get(f"{self.base}/v1/places", timeout)
        with Session(self.engine) as session:
            store(session, responders, beds, self.clock.now())

    async def run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.read_once)
            except Exception as exc:  # noqa: BLE001 - keep the last roster; log the type only, never a body
                log.warning("dispatch roster unavailable (%s); the board keeps the last one", type(exc).__name__)
            await asyncio.sleep(self.every)
