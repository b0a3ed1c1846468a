"""What handoff's tests drive it with: events in, the timer sweep, the partner API, and the outbox out."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeTriagedV1, PlacementReservedV1, ResponseResolvedV1
from continuum_contracts.vocabulary import Acuity, Channel, Disposition, Need, PlaceType, ResponseType, Stage
from continuum_handoff import api
from continuum_handoff.config import HandoffSettings
from continuum_handoff.handlers import build_handlers
from continuum_handoff.timers import build_sweeps
from continuum_kit.clock import ManualClock
from continuum_kit.testing import api_client, migrated_engine, outbox, register_partner, run_sweeps, unit_of_work
from fastapi.testclient import TestClient
from sqlalchemy import Engine

TEAM, RESPITE, NAVIGATION, HOUSING = "mobile-team-m3", "peer-respite-east", "care-navigation", "coordinated-entry"
ADMIN_TOKEN = "county-it-token-for-handoff-tests"


class Hub:
    """Handoff as its neighbours see it: events it consumes, the sweep it runs, the API partners call."""

    def __init__(self, engine: Engine, clock: ManualClock, client: TestClient, settings: HandoffSettings) -> None:
        self.engine, self.clock, self.client, self.settings = engine, clock, client, settings
        self.episode = uuid4()
        self.reservations: list[UUID] = []

    def deliver(self, payload) -> None:
        envelope = Envelope.new(payload, episode_id=self.episode, source="/continuum/test", time=self.clock.now())
        with unit_of_work(self.engine, self.clock, source="/continuum/handoff") as uow:
            build_handlers(self.settings)[type(envelope.data)](uow, envelope)
            uow.commit()

    def sweep(self) -> list[Envelope]:
        """Run every timer sweep once, as the runtime does on its interval."""
        return run_sweeps(self.engine, self.clock, build_sweeps(self.settings))

    def events(self) -> list[Envelope]:
        return outbox(self.engine)

    def types(self) -> list[str]:
        return [event.type.removeprefix("continuum.").removesuffix(".v1") for event in self.events()]

    def triage(self, channel: Channel = Channel.POLICE_REFERRAL, program: str | None = "apd-pad") -> None:
        self.deliver(
            EpisodeTriagedV1(
                contact_id=uuid4(),
                channel=channel,
                stage=Stage.SUB_ACUTE,
                acuity=Acuity.URGENT,
                needs=[Need.MENTAL_HEALTH],
                recommended_response=ResponseType.MOBILE_TEAM,
                police_required=False,
                program=program,
            )
        )

    def reserve(self, place_type: PlaceType = PlaceType.PEER_RESPITE, place_id: str = RESPITE) -> UUID:
        self.reservations.append(uuid4())
        self.deliver(
            PlacementReservedV1(
                reservation_id=self.reservations[-1],
                response_id=uuid4(),
                responder_id=TEAM,
                place_id=place_id,
                place_type=place_type,
                hold_until=self.clock.now() + timedelta(hours=2),
            )
        )
        return self.events()[-1].data.handoff_id

    def resolve(self, needs=(Need.HOUSING,), disposition=Disposition.TRANSPORTED_TO_PEER_RESPITE) -> None:
        self.deliver(
            ResponseResolvedV1(response_id=uuid4(), responder_id=TEAM, disposition=disposition, needs=list(needs))
        )

    def credentials(self, partner_id: str) -> tuple[str, str]:
        """The partner's HTTP Basic credentials, registering it with handoff the first time (as county IT would)."""
        return register_partner(self.engine, partner_id)

    def move(self, handoff_id, verb: str, partner_id: str, **body):
        return self.client.post(
            f"/v1/handoffs/{handoff_id}/{verb}", json=body or None, auth=self.credentials(partner_id)
        )

    def handoff(self, handoff_id) -> dict:
        """The handoff as county IT reads it (it reads everything)."""
        return self.client.get(f"/v1/handoffs/{handoff_id}", headers=self.admin()).json()

    def handoffs(self) -> list[dict]:
        return self.client.get(f"/v1/episodes/{self.episode}/handoffs", headers=self.admin()).json()

    def referrals(self) -> list[dict]:
        return self.client.get(f"/v1/episodes/{self.episode}/referrals", headers=self.admin()).json()

    def referral(self, referral_id) -> dict:
        return self.client.get(f"/v1/referrals/{referral_id}", headers=self.admin()).json()

    def admin(self) -> dict[str, str]:
        """County IT's bearer token, as a supervisor's tools send it."""
        assert self.settings.admin_token is not None
        return {"Authorization": f"Bearer {self.settings.admin_token.get_secret_value()}"}

    def resolve_referral(self, referral_id, headers: dict[str, str] | None = None, **body):
        headers = self.admin() if headers is None else headers
        return self.client.post(f"/v1/referrals/{referral_id}/resolution", json=body, headers=headers)

    def escalations(self) -> dict:
        return self.client.get("/v1/escalations", headers=self.admin()).json()

    def report(self, referral_id, result: str, partner_id: str = HOUSING, result_date: str | None = None):
        body = {"result": result, "result_date": result_date or self.clock.now().isoformat()}
        return self.client.post(f"/v1/referrals/{referral_id}/result", json=body, auth=self.credentials(partner_id))


@pytest.fixture
def engine(database_url):
    return migrated_engine(database_url, "continuum_handoff")


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def settings():
    return HandoffSettings(admin_token=ADMIN_TOKEN)


@pytest.fixture
def client(engine, clock, settings):
    return api_client(api.router, engine, clock, settings)


@pytest.fixture
def hub(engine, clock, client, settings):
    return Hub(engine, clock, client, settings)
