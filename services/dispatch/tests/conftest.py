"""Dispatch's test fixtures: a migrated database, dispatch's routes and handlers on it, a clock to move, a desk."""

from collections.abc import Callable, Iterator
from uuid import uuid4

import pygeohash
import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import CrisisPreferences, EpisodeTriagedV1
from continuum_contracts.vocabulary import Acuity, Channel, Need, ResponseType, SafetyFlag, Stage
from continuum_dispatch import api
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.handlers import build_handlers
from continuum_dispatch.timers import build_sweeps
from continuum_kit.clock import ManualClock
from continuum_kit.partners import partner_admin_router
from continuum_kit.testing import api_client, migrated_engine, outbox, run_sweeps, unit_of_work
from fastapi.testclient import TestClient
from sqlalchemy import Engine

ADMIN_TOKEN = "test-admin-token-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# The seeded teams' bases (migration 0002): incidents are put near them.
BASES = {
    "mobile-team-1": (45.523, -122.676),
    "mobile-team-2": (45.497, -122.603),
    "mobile-team-3": (45.420, -122.850),
}


def grid(point: tuple[float, float]) -> str:
    return pygeohash.encode(*point, precision=5)


class Desk:
    """What a test drives dispatch with: triaged episodes in, the sweep, the HTTP API a supervisor reads, and
    each team's app (signed in as the team's partner account, registered by county IT the first time)."""

    def __init__(
        self,
        engine: Engine,
        clock: ManualClock,
        client: TestClient,
        settings: DispatchSettings,
        register: Callable[[str], tuple[str, str]],
    ) -> None:
        self.engine, self.clock, self.client, self.settings = engine, clock, client, settings
        self.register = register
        self.handlers = build_handlers(settings)

    def triage(
        self,
        response: ResponseType = ResponseType.MOBILE_TEAM,
        *,
        channel: Channel = Channel.CRISIS_LINE_CALL,
        police_required: bool = False,
        safety_flags: list[SafetyFlag] | None = None,
        reasons: list[str] | None = None,
        needs: list[Need] | None = None,
        call_type: str | None = None,
        program: str | None = None,
        area: str | None = None,
        at: tuple[float, float] | None = None,
        peer_preferred: bool = False,
        demographics: dict[str, str] | None = None,
        episode_id: str | None = None,
    ) -> list[Envelope]:
        """Deliver one triage decision as the consumer would; return what dispatch emitted for it."""
        payload = EpisodeTriagedV1(
            contact_id=uuid4(),
            channel=channel,
            stage=Stage.ACUTE,
            acuity=Acuity.URGENT,
            needs=needs or [],
            safety_flags=safety_flags or [],
            recommended_response=response,
            police_required=police_required,
            reasons=reasons or ["mobile_team"],
            call_type=call_type,
            program=program,
            area=area,
            grid=grid(at) if at else None,
            preferences=CrisisPreferences(peer_preferred=True) if peer_preferred else None,
            demographics=demographics or {},
        )
        envelope = Envelope.new(payload, episode_id=episode_id or uuid4(), source="/continuum/intake")
        with unit_of_work(self.engine, self.clock) as uow:
            self.handlers[type(envelope.data)](uow, envelope)
            uow.commit()
            return uow.emitted

    def assigned(self, **triage) -> dict:
        """The assignment of a triage that must get one."""
        emitted = self.triage(**triage)
        assert emitted and emitted[0].type == "continuum.response.assigned.v1", self.kinds(emitted)
        return emitted[0].data.model_dump(mode="json")

    def sweep(self) -> list[Envelope]:
        """Run every timer sweep once, as the runtime does on its interval."""
        return run_sweeps(self.engine, self.clock, build_sweeps(self.settings))

    def team_app(self, response_id: str) -> tuple[str, str]:
        """The HTTP Basic credentials of the app of the team the response is assigned to (of a seeded team
        when dispatch knows no such response: a signed-in team is told 404)."""
        return self.register(self.response(response_id).get("responder_id", "mobile-team-1"))

    def update(self, response_id: str, status: str, client: TestClient | None = None, **body):
        """The assigned team's app reports the response's status."""
        url, auth = f"/v1/responses/{response_id}/updates", self.team_app(response_id)
        return (client or self.client).post(url, json={"status": status, **body}, auth=auth)

    def task(self, response_id: str, body: dict, client: TestClient | None = None, **kw):
        """The assigned team's app gives one of its members a task."""
        url, auth = f"/v1/responses/{response_id}/tasks", self.team_app(response_id)
        return (client or self.client).post(url, json=body, auth=auth, **kw)

    def response(self, response_id: str) -> dict:
        return self.client.get(f"/v1/responses/{response_id}", headers=ADMIN).json()

    def responder(self, responder_id: str) -> dict:
        return self.client.get(f"/v1/responders/{responder_id}", headers=ADMIN).json()

    def set_status(self, responder_id: str, status: str) -> None:
        answer = self.client.patch(f"/v1/responders/{responder_id}/status", json={"status": status}, headers=ADMIN)
        assert answer.status_code == 200, answer.text

    def place(self, place_id: str) -> dict:
        return self.client.get(f"/v1/places/{place_id}", headers=ADMIN).json()

    def events(self) -> list[Envelope]:
        return outbox(self.engine)

    @staticmethod
    def kinds(emitted: list[Envelope]) -> list[str]:
        """Event types as a supervisor would say them: ``response.assigned``."""
        return [e.type.removeprefix("continuum.").removesuffix(".v1") for e in emitted]

    @staticmethod
    def near(team: str) -> tuple[float, float]:
        return BASES[team]

    @staticmethod
    def grid(point: tuple[float, float]) -> str:
        return grid(point)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = migrated_engine(database_url, "continuum_dispatch")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()  # 2026-01-01 00:00 UTC, a Thursday


@pytest.fixture
def settings() -> DispatchSettings:
    return DispatchSettings(admin_token=ADMIN_TOKEN, reservation_hold_minutes=90)


@pytest.fixture
def admin() -> dict[str, str]:
    """The headers of county IT holding the admin token."""
    return dict(ADMIN)


@pytest.fixture
def client(engine, clock, settings) -> TestClient:
    return api_client(api.router, engine, clock, settings)


@pytest.fixture
def desk(engine, clock, client, settings, register) -> Desk:
    return Desk(engine, clock, client, settings, register)


@pytest.fixture
def register(engine, clock, settings):
    """Register a partner account with dispatch as county IT does (once); gives its HTTP Basic credentials."""
    county_it = api_client(partner_admin_router(), engine, clock, settings)
    registered: set[str] = set()

    def register(partner_id: str) -> tuple[str, str]:
        secret = f"{partner_id}-secret-0123456789abcdef"
        if partner_id in registered:
            return partner_id, secret
        registered.add(partner_id)
        answer = county_it.post("/v1/admin/partners", json={"partner_id": partner_id, "secret": secret}, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        return partner_id, secret

    return register
