"""Dispatch without a broker: responder choice, deflection, the mobile-team update flow and bed reservation."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeTriagedV1
from continuum_contracts.vocabulary import Acuity, Channel, Need, ResponseType, SafetyFlag, Stage
from continuum_dispatch import api
from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.domain import EtaPolicy, ResponseStatus, Step, step
from continuum_dispatch.handlers import build_handlers
from continuum_dispatch.store import Place, Responder
from continuum_kit.clock import ManualClock
from continuum_kit.testing import api_client, migrated_engine, outbox, unit_of_work
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

SETTINGS = DispatchSettings(eta_base_minutes=20, eta_per_active_minutes=15, reservation_hold_minutes=90)
HANDLERS = build_handlers(EtaPolicy(SETTINGS.eta_base_minutes, SETTINGS.eta_per_active_minutes))
ASSIGNED = "continuum.response.assigned.v1"
DEFLECTED = "continuum.lawenforcement.deflected.v1"
RESOLVED = "continuum.response.resolved.v1"
RESERVED = "continuum.placement.reserved.v1"


@pytest.fixture
def engine(database_url):
    engine = migrated_engine(database_url, "continuum_dispatch")
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def client(engine, clock):
    return api_client(api.router, engine, clock, SETTINGS)


def triaged(
    response: ResponseType = ResponseType.MOBILE_TEAM,
    *,
    channel: Channel = Channel.CRISIS_LINE_CALL,
    police_required: bool = False,
    safety_flags: list[SafetyFlag] | None = None,
    needs: list[Need] | None = None,
    call_type: str | None = None,
) -> Envelope:
    payload = EpisodeTriagedV1(
        contact_id=uuid4(),
        channel=channel,
        stage=Stage.ACUTE,
        acuity=Acuity.URGENT,
        needs=needs or [],
        safety_flags=safety_flags or [],
        recommended_response=response,
        police_required=police_required,
        reasons=["test"],
        call_type=call_type,
    )
    return Envelope.new(payload, episode_id=uuid4(), source="/continuum/intake")


def deliver(engine: Engine, clock: ManualClock, envelope: Envelope) -> list[Envelope]:
    """Apply one event as the consumer would; return what dispatch emitted for it."""
    with unit_of_work(engine, clock) as uow:
        HANDLERS[envelope.type](uow, envelope)
        uow.commit()
        return uow.emitted


def assigned(engine: Engine, clock: ManualClock, envelope: Envelope | None = None) -> dict:
    emitted = deliver(engine, clock, envelope or triaged())
    return emitted[0].data.model_dump(mode="json")


def set_responder(engine: Engine, responder_id: str, status: str) -> None:
    with Session(engine) as session:
        responder = session.get(Responder, responder_id)
        responder.status = status
        session.add(responder)
        session.commit()


def fill_place(engine: Engine, place_id: str) -> None:
    with Session(engine) as session:
        place = session.get(Place, place_id)
        place.occupied = place.capacity
        session.add(place)
        session.commit()


def place(client: TestClient, place_id: str) -> dict:
    return {p["place_id"]: p for p in client.get("/v1/places").json()}[place_id]


def responder(client: TestClient, responder_id: str) -> dict:
    return {r["responder_id"]: r for r in client.get("/v1/responders").json()}[responder_id]


def update(client: TestClient, response_id: str, body: dict):
    return client.post(f"/v1/responses/{response_id}/updates", json=body)


def test_acute_triage_assigns_mobile_team_with_peer_and_eta(engine, clock):
    emitted = deliver(engine, clock, triaged(ResponseType.MOBILE_TEAM))
    assert [e.type for e in emitted] == [ASSIGNED]
    data = emitted[0].data
    assert data.responder_id == "mobile-team-1" and data.with_peer and data.eta_minutes == 20
    assert data.response_type is ResponseType.MOBILE_TEAM


def test_911_call_without_safety_risk_is_deflected_with_reason(engine, clock):
    call = triaged(channel=Channel.TRANSFER_911, call_type="WELFARE_CHECK")
    emitted = deliver(engine, clock, call)
    assert [e.type for e in emitted] == [ASSIGNED, DEFLECTED]
    deflection = emitted[1].data
    assert deflection.reason == "no_safety_risk" and deflection.call_type == "WELFARE_CHECK"
    assert deflection.channel is Channel.TRANSFER_911 and deflection.response_id == emitted[0].data.response_id
    assert {e.subject for e in emitted} == {call.subject}


def test_311_request_without_safety_risk_is_deflected(engine, clock):
    emitted = deliver(engine, clock, triaged(channel=Channel.REQUEST_311))
    assert [e.type for e in emitted] == [ASSIGNED, DEFLECTED]


def test_weapon_call_is_not_deflected(engine, clock):
    call = triaged(
        ResponseType.POLICE, channel=Channel.TRANSFER_911, police_required=True, safety_flags=[SafetyFlag.WEAPON]
    )
    emitted = deliver(engine, clock, call)
    assert [e.type for e in emitted] == [ASSIGNED]
    assert emitted[0].data.responder_id == "police-dispatch"


def test_crisis_line_call_is_not_counted_as_deflection(engine, clock):
    assert [e.type for e in deliver(engine, clock, triaged(channel=Channel.CRISIS_LINE_CALL))] == [ASSIGNED]


def test_least_loaded_team_is_chosen(engine, clock):
    first, second, third, fourth = (assigned(engine, clock) for _ in range(4))
    assert (first["responder_id"], second["responder_id"]) == ("mobile-team-1", "mobile-team-2")
    assert third["responder_id"] == "mobile-team-3" and not third["with_peer"] and third["eta_minutes"] == 20
    assert fourth["responder_id"] == "mobile-team-1" and fourth["eta_minutes"] == 20 + 15


def test_resolved_response_no_longer_counts_as_load(engine, clock, client):
    first = assigned(engine, clock)
    update(client, first["response_id"], {"status": "resolved", "disposition": "resolved_in_place"})
    assert assigned(engine, clock)["responder_id"] == "mobile-team-1"


def test_offline_team_is_not_sent(engine, clock):
    set_responder(engine, "mobile-team-1", "offline")
    assert assigned(engine, clock)["responder_id"] == "mobile-team-2"


def test_warmline_caller_gets_a_peer_already_on_the_line(engine, clock):
    data = assigned(engine, clock, triaged(ResponseType.PEER_SUPPORT, channel=Channel.WARMLINE_CALL))
    assert data["responder_id"] == "warmline-peer-1" and data["with_peer"] and data["eta_minutes"] == 0


def test_co_response_and_ems_go_to_their_own_kind(engine, clock):
    assert (
        assigned(engine, clock, triaged(ResponseType.CO_RESPONSE, police_required=True))["responder_id"]
        == "co-responder-1"
    )
    assert assigned(engine, clock, triaged(ResponseType.EMS))["responder_id"] == "ems-dispatch"


def test_nothing_is_assigned_when_no_responder_of_the_kind_is_on_duty(engine, clock, client):
    set_responder(engine, "ems-dispatch", "offline")
    call = triaged(ResponseType.EMS, channel=Channel.TRANSFER_911)
    assert deliver(engine, clock, call) == []
    assert client.get(f"/v1/episodes/{call.subject}/responses").json() == []


def test_assigned_response_is_readable_by_id_and_by_episode(engine, clock, client):
    call = triaged(needs=[Need.HOUSING, Need.MENTAL_HEALTH])
    data = assigned(engine, clock, call)
    response = client.get(f"/v1/responses/{data['response_id']}").json()
    assert response["status"] == "assigned" and response["episode_id"] == call.subject
    assert response["needs"] == ["housing", "mental_health"] and response["reservation"] is None
    assert client.get(f"/v1/episodes/{call.subject}/responses").json() == [response]


def test_unknown_response_is_404_naming_it(client):
    unknown = uuid4()
    answer = client.get(f"/v1/responses/{unknown}")
    assert answer.status_code == 404 and str(unknown) in answer.json()["detail"]
    answer = update(client, str(unknown), {"status": "en_route"})
    assert answer.status_code == 404 and str(unknown) in answer.json()["detail"]


def test_team_moves_forward_and_responder_status_follows(engine, clock, client):
    data = assigned(engine, clock)
    for status in ("acknowledged", "en_route", "on_scene"):
        answer = update(client, data["response_id"], {"status": status})
        assert answer.status_code == 200 and answer.json()["status"] == status
    team = responder(client, "mobile-team-1")
    assert team["status"] == "on_scene" and team["active_responses"] == 1
    update(client, data["response_id"], {"status": "resolved", "disposition": "resolved_in_place"})
    team = responder(client, "mobile-team-1")
    assert team["status"] == "available" and team["active_responses"] == 0


def test_skipping_ahead_is_allowed(engine, clock, client):
    data = assigned(engine, clock)
    assert update(client, data["response_id"], {"status": "on_scene"}).json()["status"] == "on_scene"


def test_backward_move_is_409_with_current_status(engine, clock, client):
    data = assigned(engine, clock)
    update(client, data["response_id"], {"status": "on_scene"})
    answer = update(client, data["response_id"], {"status": "en_route"})
    assert answer.status_code == 409
    assert answer.json()["detail"]["current_status"] == "on_scene" and answer.json()["detail"]["error"]


def test_nothing_moves_after_resolution(engine, clock, client):
    data = assigned(engine, clock)
    update(client, data["response_id"], {"status": "resolved", "disposition": "referred"})
    answer = update(client, data["response_id"], {"status": "on_scene"})
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "resolved"
    answer = update(client, data["response_id"], {"status": "resolved", "disposition": "declined_services"})
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "resolved"


def test_repeated_update_is_harmless_and_emits_nothing(engine, clock, client):
    data = assigned(engine, clock)
    first = update(client, data["response_id"], {"status": "en_route"})
    events = len(outbox(engine))
    clock.advance(timedelta(minutes=5))
    again = update(client, data["response_id"], {"status": "en_route"})
    assert again.status_code == 200 and again.json() == first.json()
    assert len(outbox(engine)) == events


def test_repeated_resolution_is_harmless_and_emits_nothing(engine, clock, client):
    data = assigned(engine, clock)
    body = {"status": "resolved", "disposition": "transported_to_stabilization", "needs": ["housing"]}
    first = update(client, data["response_id"], body)
    events = len(outbox(engine))
    again = update(client, data["response_id"], body)
    assert again.status_code == 200 and again.json() == first.json()
    assert len(outbox(engine)) == events
    assert place(client, "stabilization-unit-1")["occupied"] == 1


def test_resolution_without_disposition_is_422_naming_disposition(engine, clock, client):
    data = assigned(engine, clock)
    answer = update(client, data["response_id"], {"status": "resolved"})
    assert answer.status_code == 422 and "disposition" in str(answer.json()["detail"])
    assert client.get(f"/v1/responses/{data['response_id']}").json()["status"] == "assigned"


def test_disposition_before_resolution_is_422(engine, clock, client):
    data = assigned(engine, clock)
    answer = update(client, data["response_id"], {"status": "on_scene", "disposition": "referred"})
    assert answer.status_code == 422 and "disposition" in str(answer.json()["detail"])


def test_unknown_status_or_need_is_422(engine, clock, client):
    data = assigned(engine, clock)
    assert update(client, data["response_id"], {"status": "assigned"}).status_code == 422
    assert update(client, data["response_id"], {"status": "on_scene", "needs": ["groceries"]}).status_code == 422


def test_resolution_is_published_with_the_team_reported_needs(engine, clock, client):
    data = assigned(engine, clock, triaged(needs=[Need.MENTAL_HEALTH]))
    update(
        client,
        data["response_id"],
        {"status": "resolved", "disposition": "referred", "needs": ["substance_use", "housing"]},
    )
    resolved = outbox(engine)[-1]
    assert resolved.type == RESOLVED
    assert resolved.data.needs == [Need.HOUSING, Need.SUBSTANCE_USE]
    assert resolved.data.responder_id == "mobile-team-1" and resolved.data.response_id == UUID(data["response_id"])


def test_resolution_with_transport_reserves_stabilization_bed(engine, clock, client):
    data = assigned(engine, clock)
    answer = update(client, data["response_id"], {"status": "resolved", "disposition": "transported_to_stabilization"})
    assert answer.status_code == 200
    events = outbox(engine)
    assert [e.type for e in events] == [ASSIGNED, RESOLVED, RESERVED]
    placement = events[-1].data
    assert placement.place_id == "stabilization-unit-1" and placement.place_type == "stabilization_unit"
    assert placement.hold_until == clock.now() + timedelta(minutes=90)
    assert placement.response_id == UUID(data["response_id"]) and placement.responder_id == "mobile-team-1"
    assert answer.json()["reservation"]["place_id"] == "stabilization-unit-1"
    unit = place(client, "stabilization-unit-1")
    assert unit["occupied"] == 1 and unit["available"] == 15


def test_transport_to_peer_respite_reserves_respite_bed(engine, clock, client):
    data = assigned(engine, clock)
    update(client, data["response_id"], {"status": "resolved", "disposition": "transported_to_peer_respite"})
    assert outbox(engine)[-1].data.place_id == "peer-respite-1"


def test_full_place_resolves_without_reservation(engine, clock, client):
    fill_place(engine, "peer-respite-1")
    data = assigned(engine, clock)
    answer = update(client, data["response_id"], {"status": "resolved", "disposition": "transported_to_peer_respite"})
    assert answer.status_code == 200 and answer.json()["reservation"] is None
    assert [e.type for e in outbox(engine)] == [ASSIGNED, RESOLVED]


def test_resolution_in_place_reserves_nothing(engine, clock, client):
    data = assigned(engine, clock)
    update(client, data["response_id"], {"status": "resolved", "disposition": "resolved_in_place"})
    assert [e.type for e in outbox(engine)] == [ASSIGNED, RESOLVED]
    assert all(p["occupied"] == 0 for p in client.get("/v1/places").json())


def test_default_roster_and_places_are_listed(client):
    responders = {r["responder_id"]: r for r in client.get("/v1/responders").json()}
    assert len(responders) == 8 and all(r["status"] == "available" for r in responders.values())
    assert responders["mobile-team-1"]["with_peer"] and not responders["mobile-team-3"]["with_peer"]
    assert responders["warmline-peer-2"]["kind"] == "warmline_peer"
    assert responders["police-dispatch"]["kind"] == "police" and responders["ems-dispatch"]["kind"] == "ems"
    places = {p["place_id"]: (p["place_type"], p["capacity"]) for p in client.get("/v1/places").json()}
    assert places == {
        "stabilization-unit-1": ("stabilization_unit", 16),
        "peer-respite-1": ("peer_respite", 6),
        "23h-bed-1": ("23_hour_bed", 8),
    }


def test_status_order_allows_forward_and_repeat_only():
    assert step(ResponseStatus.ASSIGNED, ResponseStatus.ON_SCENE) is Step.ADVANCE
    assert step(ResponseStatus.EN_ROUTE, ResponseStatus.EN_ROUTE) is Step.REPEAT
    assert step(ResponseStatus.ON_SCENE, ResponseStatus.ACKNOWLEDGED) is Step.CONFLICT
    assert step(ResponseStatus.RESOLVED, ResponseStatus.ON_SCENE) is Step.CONFLICT
