"""One episode per person in crisis: a returning person rejoins it, and their crisis plan goes along to triage."""

from uuid import uuid4

from continuum_contracts.events import EpisodeClosedV1, FollowupRiskFoundV1, ResponseResolvedV1
from continuum_kit.testing import outbox

from .conftest import ADMIN, deliver

CALLER = {"name": "Emerson Madeup", "phone": "555-0166", "date_of_birth": "1992-07-14"}
RECEIVED, OPENED = "continuum.contact.received.v1", "continuum.episode.opened.v1"
REOPENED, TRIAGED = "continuum.episode.reopened.v1", "continuum.episode.triaged.v1"


def resolved(episode_id: str):
    return ResponseResolvedV1(response_id=uuid4(), responder_id="m3", disposition="resolved_in_place"), episode_id


def test_returning_caller_in_post_crisis_rejoins_episode_as_acute(client, engine, clock, partner):
    first = client.post("/v1/contacts/warmline", json={"medium": "call", "caller": CALLER}, auth=partner).json()
    deliver(engine, clock, *resolved(first["episode_id"]))
    assert client.get(f"/v1/episodes/{first['episode_id']}", headers=ADMIN).json()["stage"] == "post_crisis"
    seen = len(outbox(engine))
    again = client.post("/v1/contacts/crisis-line", json={"medium": "text", "caller": CALLER}, auth=partner)
    assert again.status_code == 201
    assert again.json()["episode_id"] == first["episode_id"] and again.json()["joined"] is True
    events = outbox(engine)[seen:]
    assert [e.type for e in events] == [RECEIVED, REOPENED, TRIAGED]
    reopened, triaged = events[1].data, events[2].data
    assert (reopened.previous_stage, reopened.stage) == ("post_crisis", "acute")
    assert triaged.returning is True and triaged.stage == "acute"
    assert {e.subject for e in events} == {first["episode_id"]}
    episode = client.get(f"/v1/episodes/{first['episode_id']}", headers=ADMIN).json()
    assert (episode["stage"], episode["status"], episode["contacts"]) == ("acute", "open", 2)


def test_returning_caller_still_acute_joins_without_reopening(client, engine, partner):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    seen = len(outbox(engine))
    again = client.post("/v1/contacts/crisis-line", json={"medium": "call", "caller": CALLER}, auth=partner).json()
    assert again["episode_id"] == first["episode_id"] and again["joined"] is True
    assert [e.type for e in outbox(engine)[seen:]] == [RECEIVED, TRIAGED]
    assert outbox(engine)[-1].data.returning is True


def test_after_the_episode_closed_a_new_contact_opens_a_new_one(client, engine, clock, partner):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    deliver(engine, clock, EpisodeClosedV1(reason="plan_complete"), first["episode_id"])
    closed = client.get(f"/v1/episodes/{first['episode_id']}", headers=ADMIN).json()
    assert (closed["status"], closed["stage"], closed["closure_reason"]) == ("closed", "closed", "plan_complete")
    again = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    assert again["person_id"] == first["person_id"] and again["episode_id"] != first["episode_id"]
    assert again["joined"] is False and [e.type for e in outbox(engine)[-3:]] == [RECEIVED, OPENED, TRIAGED]


def test_episode_view_counts_contacts_and_shows_no_personal_details(client, partner):
    body = {"site": "s", "caller": CALLER, "note": "brought by a friend"}
    accepted = client.post("/v1/contacts/walk-in", json=body, auth=partner).json()
    view = client.get(f"/v1/episodes/{accepted['episode_id']}", auth=partner)
    assert view.status_code == 200 and view.json()["contacts"] == 1
    assert view.json()["contact_history"][0]["channel"] == "walk_in"
    for detail in ("Emerson", "555-0166", "1992-07-14", "friend"):
        assert detail not in view.text
    assert client.get(f"/v1/episodes/{uuid4()}", auth=partner).status_code == 404


PLAN = {"peer_preferred": True, "language": "es", "preferred_place": "peer_respite", "helps": ["quiet_space"]}


def test_crisis_plan_preferences_go_to_triage_and_ask_for_a_peer(client, engine, partner, admin):
    first = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()
    person = first["person_id"]
    recorded = client.put(f"/v1/people/{person}/crisis-plan", json={**PLAN, "avoid": ["sirens"]}, headers=admin)
    assert recorded.status_code == 200 and recorded.json()["recorded_by"] == "admin"
    read = client.get(f"/v1/people/{person}/crisis-plan", headers=admin).json()
    assert (read["peer_preferred"], read["language"], read["avoid"]) == (True, "es", ["sirens"])
    again = client.post(
        "/v1/contacts/911",
        json={"incident_tracking_id": "I-3", "call_type_code": "MENTAL_HEALTH", "caller": CALLER},
        auth=partner,
    )
    assert again.json()["triage"]["recommended_response"] == "mobile_team"
    assert "peer_preferred" in again.json()["triage"]["reasons"]
    triaged = outbox(engine)[-1].data
    assert triaged.preferences.peer_preferred is True and triaged.preferences.preferred_place == "peer_respite"
    assert triaged.preferences.helps == ["quiet_space"] and "peer_preferred" in triaged.reasons


def test_peer_preference_does_not_soften_an_emergency(client, engine, partner, admin):
    person = client.post("/v1/contacts/walk-in", json={"site": "s", "caller": CALLER}, auth=partner).json()["person_id"]
    client.put(f"/v1/people/{person}/crisis-plan", json=PLAN, headers=admin)
    body = {"site": "s", "caller": CALLER, "safety": {"medical_emergency": True}}
    triage = client.post("/v1/contacts/walk-in", json=body, auth=partner).json()["triage"]
    assert triage["recommended_response"] == "ems" and "peer_preferred" not in triage["reasons"]


def test_crisis_plans_are_recorded_only_by_registered_partners_and_as_codes(client, register, partner, row_counts):
    person = client.post("/v1/contacts/walk-in", json={"site": "s"}, auth=partner).json()["person_id"]
    path = f"/v1/people/{person}/crisis-plan"
    before = row_counts()
    assert client.put(path, json=PLAN).status_code == 401
    assert client.put(path, json=PLAN, auth=partner).status_code == 403
    free_text = client.put(path, json={**PLAN, "notes": "hates hospitals"}, headers={"Authorization": "Bearer nope"})
    assert free_text.status_code == 401
    assert row_counts() == before
    peers = register("peer-run-org", channels=[], event_types=["continuum.crisis-plan.recorded"])
    before = row_counts()
    not_a_code = client.put(path, json={**PLAN, "helps": ["calls her sister"]}, auth=peers)
    assert not_a_code.status_code == 422 and not_a_code.json()["detail"][0]["loc"] == ["body", "helps", 0]
    extra = client.put(path, json={**PLAN, "notes": "hates hospitals"}, auth=peers)
    assert extra.status_code == 422 and "hates" not in extra.text
    assert row_counts() == before
    stored = client.put(path, json=PLAN, auth=peers)
    assert stored.status_code == 200 and stored.json()["recorded_by"] == "peer-run-org"
    assert client.get(path, auth=peers).json()["preferred_place"] == "peer_respite"
    assert client.put(f"/v1/people/{uuid4()}/crisis-plan", json=PLAN, auth=peers).status_code == 404


def test_check_in_finding_renewed_risk_opens_a_contact_on_the_same_episode(client, engine, clock, partner):
    first = client.post("/v1/contacts/warmline", json={"medium": "call", "caller": CALLER}, auth=partner).json()
    deliver(engine, clock, *resolved(first["episode_id"]))
    seen = len(outbox(engine))
    risk = FollowupRiskFoundV1(followup_id=uuid4(), safety_flags=["imminent_risk_with_means"], needs=["mental_health"])
    deliver(engine, clock, risk, first["episode_id"])
    events = outbox(engine)[seen:]
    assert [e.type for e in events] == [RECEIVED, REOPENED, TRIAGED]
    assert events[0].data.channel == "followup_checkin"
    triaged = events[2].data
    assert triaged.recommended_response == "co_response" and triaged.returning is True
    assert {e.subject for e in events} == {first["episode_id"]}
    assert client.get(f"/v1/episodes/{first['episode_id']}", headers=ADMIN).json()["contacts"] == 2
