"""Dispatch's roster as the board shows it: teams (status, on duty, load) and places (beds, accepting), read from
dispatch's ``GET /v1/responders`` and ``GET /v1/places`` every ``roster_poll_seconds`` when ``dispatch_url`` is set.
The board signs in to dispatch as a partner account of its own (``dispatch_partner_id``, ``dispatch_secret``),
registered there by county IT: it reads the directories and nothing else, where county IT's token could also
set teams offline and move beds.

Events carry bed holds and admissions but not a place's capacity, and a team that goes offline while idle causes no
event at all: only the roster knows. Codes and counts are kept, never a team's members. A failed read keeps the last
roster (the board shows when it was read) and is logged by its exception type only.
"""

import asyncio
import base64
import json
import logging
import urllib.request
from datetime import datetime

from continuum_kit.clock import Clock
from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from continuum_board.config import BoardSettings
from continuum_board.store import RosterPlaceRow, RosterTeamRow

log = logging.getLogger(__name__)


def credentials(settings: BoardSettings) -> tuple[str, str] | None:
    """The board's partner id and secret at dispatch, or None when no secret is configured."""
    if settings.dispatch_secret is None:
        return None
    return settings.dispatch_partner_id, settings.dispatch_secret.get_secret_value()


def _get(url: str, timeout: float, signed_in: tuple[str, str] | None) -> list[dict]:
    request = urllib.request.Request(url)  # noqa: S310 - the county's configured dispatch URL
    if signed_in is not None:
        pair = base64.b64encode(":".join(signed_in).encode()).decode()
        request.add_header("Authorization", f"Basic {pair}")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - as above
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
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        dispatch_url: str,
        every_seconds: float,
        signed_in: tuple[str, str] | None = None,
    ) -> None:
        self.engine, self.clock = engine, clock
        self.base, self.every, self.signed_in = dispatch_url.rstrip("/"), every_seconds, signed_in

    def read_once(self) -> None:
        timeout = min(self.every, 10.0)
        responders = _get(f"{self.base}/v1/responders", timeout, self.signed_in)
        beds = _get(f"{self.base}/v1/places", timeout, self.signed_in)
        with Session(self.engine) as session:
            store(session, responders, beds, self.clock.now())

    async def run(self) -> None:
        if self.signed_in is None:
            log.warning("CONTINUUM_DISPATCH_SECRET is unset: dispatch will refuse to give the board its roster")
        while True:
            try:
                await asyncio.to_thread(self.read_once)
            except Exception as exc:  # noqa: BLE001 - keep the last roster; log the type only, never a body
                log.warning("dispatch roster unavailable (%s); the board keeps the last one", type(exc).__name__)
            await asyncio.sleep(self.every)
