"""Handoff without a broker: warm handoffs, referrals and the partner API on a migrated SQLite database."""

from datetime import timedelta
from uuid import uuid4

from continuum_contracts import Envelope
from continuum_contracts.events import PlacementReservedV1, ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition, Need, PlaceType
from continuum_handoff.config import HandoffSettings
from continuum_handoff.handlers import build_handlers
from continuum_kit.testing import outbox, register_partner, unit_of_work

from .conftest import ADMIN_TOKEN

EPISODE = uuid4()
TEAM, RESPITE = "mobile-team-m3", "peer-respite-east"
COUNTY_IT = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def deliver(engine, clock, payload, settings=None):
    envelope = Envelope.new(payload, episode_id=EPISODE, source="/continuum/dispatch", time=clock.now())
    with unit_of_work(engine, clock, source="/continuum/handoff") as uow:
        build_handlers(settings or HandoffSettings())[type(envelope.data)](uow, envelope)
        uow.commit()


def reserve_bed(engine, clock):
    deliver(
        engine,
        clock,
        PlacementReservedV1(
            reservation_id=uuid4(),
            response_id=uuid4(),
            responder_id=TEAM,
            place_id=RESPITE,
            place_type=PlaceType.PEER_RESPITE,
            hold_until=clock.now() + timedelta(hours=2),
        ),
    )
    return outbox(engine)[-1].data.handoff_id


def resolve(engine, clock, needs, disposition=Disposition.TRANSPORTED_TO_PEER_RESPITE, settings=None):
    deliver(
        engine,
        clock,
        ResponseResolvedV1(response_id=uuid4(), responder_id=TEAM, disposition=disposition, needs=needs),
        settings,
    )


def test_reserved_bed_requests_a_warm_handoff_to_the_place(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    [event] = outbox(engine)
    assert event.type == "continuum.handoff.requested.v1" and event.subject == str(EPISODE)
    assert (event.data.from_party, event.data.to_party, event.data.warm) == (TEAM, RESPITE, True)
    shown = client.get(f"/v1/episodes/{EPISODE}/handoffs", headers=COUNTY_IT).json()
    assert [(h["handoff_id"], h["to_party"], h["status"]) for h in shown] == [(str(handoff_id), RESPITE, "requested")]


def test_housing_need_sends_a_coordinated_entry_referral(engine, clock, client):
    resolve(engine, clock, [Need.HOUSING, Need.MENTAL_HEALTH])
    [event] = outbox(engine)
    assert event.type == "continuum.referral.sent.v1"
    assert (event.data.kind, event.data.to_party, event.data.status) == (
        "housing_coordinated_entry",
        "coordinated-entry",
        "requested",
    )
    [referral] = client.get(f"/v1/episodes/{EPISODE}/referrals", headers=COUNTY_IT).json()
    assert referral["referral_id"] == str(event.data.referral_id) and referral["to_party"] == "coordinated-entry"


def test_housing_referral_goes_to_the_configured_partner(engine, clock):
    resolve(engine, clock, [Need.HOUSING], settings=HandoffSettings(housing_partner_id="hmis-ce-west"))
    assert outbox(engine)[0].data.to_party == "hmis-ce-west"


def test_no_referral_without_a_housing_need(engine, clock, client):
    resolve(engine, clock, [Need.MENTAL_HEALTH])
    assert outbox(engine) == [] and client.get(f"/v1/episodes/{EPISODE}/referrals", headers=COUNTY_IT).json() == []


def test_no_referral_when_the_person_declined_services(engine, clock):
    resolve(engine, clock, [Need.HOUSING], disposition=Disposition.DECLINED_SERVICES)
    assert outbox(engine) == []


def test_resolved_twice_sends_one_housing_referral(engine, clock, client):
    resolve(engine, clock, [Need.HOUSING])
    resolve(engine, clock, [Need.HOUSING])
    assert (
        len(outbox(engine)) == 1 and len(client.get(f"/v1/episodes/{EPISODE}/referrals", headers=COUNTY_IT).json()) == 1
    )


def test_accept_by_wrong_partner_is_forbidden_and_changes_nothing(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    response = client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, "other-respite"))
    assert response.status_code == 403
    assert response.json()["detail"]["addressed_to"] == RESPITE
    assert RESPITE in response.json()["detail"]["message"]
    assert client.get(f"/v1/handoffs/{handoff_id}", headers=COUNTY_IT).json()["status"] == "requested"
    assert len(outbox(engine)) == 1


def test_accept_then_complete_emits_events_in_order(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    clock.advance(timedelta(minutes=5))
    accepted = client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, RESPITE))
    clock.advance(timedelta(minutes=30))
    completed = client.post(f"/v1/handoffs/{handoff_id}/complete", auth=register_partner(engine, RESPITE))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    events = outbox(engine)
    assert [e.type for e in events] == [
        "continuum.handoff.requested.v1",
        "continuum.handoff.accepted.v1",
        "continuum.handoff.completed.v1",
    ]
    assert events[1].data.accepted_by == RESPITE and {e.subject for e in events} == {str(EPISODE)}
    shown = client.get(f"/v1/handoffs/{handoff_id}", headers=COUNTY_IT).json()
    assert shown["accepted_at"] < shown["completed_at"]


def test_complete_before_accept_conflicts_with_current_status(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    response = client.post(f"/v1/handoffs/{handoff_id}/complete", auth=register_partner(engine, RESPITE))
    assert response.status_code == 409
    assert response.json()["detail"] == {"message": "accept first", "current_status": "requested"}
    assert len(outbox(engine)) == 1


def test_repeat_accept_is_harmless(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    first = client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, RESPITE))
    second = client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, RESPITE))
    assert second.status_code == 200 and second.json() == first.json()
    assert [e.type for e in outbox(engine)].count("continuum.handoff.accepted.v1") == 1


def test_repeat_complete_is_harmless_but_accepting_a_completed_handoff_conflicts(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, RESPITE))
    client.post(f"/v1/handoffs/{handoff_id}/complete", auth=register_partner(engine, RESPITE))
    again = client.post(f"/v1/handoffs/{handoff_id}/complete", auth=register_partner(engine, RESPITE))
    late_accept = client.post(f"/v1/handoffs/{handoff_id}/accept", auth=register_partner(engine, RESPITE))
    assert again.status_code == 200 and len(outbox(engine)) == 3
    assert late_accept.status_code == 409 and late_accept.json()["detail"]["current_status"] == "completed"


def test_unknown_handoff_is_not_found_and_bad_body_is_rejected(engine, clock, client):
    assert client.post(f"/v1/handoffs/{uuid4()}/accept", auth=register_partner(engine, RESPITE)).status_code == 404
    assert client.get(f"/v1/handoffs/{uuid4()}", headers=COUNTY_IT).status_code == 404
    handoff_id = reserve_bed(engine, clock)
    decline = f"/v1/handoffs/{handoff_id}/decline"
    refused = client.post(decline, json={"reason": "not a code!"}, auth=register_partner(engine, RESPITE))
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "reason"]
    assert client.get(f"/v1/handoffs/{handoff_id}", headers=COUNTY_IT).json()["status"] == "requested"


def test_a_partner_must_prove_who_it_is_and_nothing_changes_until_it_does(engine, clock, client):
    handoff_id = reserve_bed(engine, clock)
    partner, secret = register_partner(engine, RESPITE)
    accept = f"/v1/handoffs/{handoff_id}/accept"
    anonymous = client.post(accept)
    wrong_secret = client.post(accept, auth=(partner, secret + "x"))
    unknown = client.post(accept, auth=("respite-nobody-registered", secret))
    for refused in (anonymous, wrong_secret, unknown):
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get(f"/v1/handoffs/{handoff_id}", headers=COUNTY_IT).json()["status"] == "requested"
    assert len(outbox(engine)) == 1
    assert client.post(accept, auth=(partner, secret)).json()["status"] == "accepted"
