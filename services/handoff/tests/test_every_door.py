"""Every route of handoff holds its door: no credential is 401, a caller outside the guard's scope 403, the right
one gets in; reads are scoped like moves (a partner reads what it is party to, county IT everything)."""

from datetime import timedelta
from uuid import uuid4

from continuum_contracts.vocabulary import Need
from continuum_handoff import api
from continuum_handoff.app import create_app
from continuum_kit.doors import OPEN_ROUTES, Door, basic, bearer, check_every_door
from continuum_kit.partners import partner_admin_router
from continuum_kit.testing import api_client
from fastapi import APIRouter

from .conftest import ADMIN_TOKEN, HOUSING, NAVIGATION, RESPITE, TEAM

OUTSIDER = "peer-respite-west"
WANTED = {"categories": ["identity"], "purpose": "care_coordination"}


def service_client(hub, tmp_path):
    """A client for every route the service serves (its API and its partner registry), as app.py assembles them."""
    router = APIRouter()
    router.include_router(api.router)
    router.include_router(partner_admin_router())
    client = api_client(router, hub.engine, hub.clock, hub.settings)
    served = create_app(hub.settings.model_copy(update={"data_dir": tmp_path})).openapi()["paths"]
    assert operations(client.app.openapi()["paths"]) == operations(served) - {("GET", "/health")}
    return client


def operations(paths: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, methods in paths.items() for method in methods}


def sign_in(hub, partner_id: str) -> dict[str, str]:
    return basic(*hub.credentials(partner_id))


def escalated_referral(hub):
    """A housing referral on an episode of its own whose reminders went unanswered: it awaits a supervisor."""
    hub.episode = uuid4()
    hub.resolve([Need.HOUSING])
    referral_id = hub.events()[-1].data.referral_id
    hub.clock.advance(timedelta(hours=96))
    assert "continuum.referral.escalated.v1" in [event.type for event in hub.sweep()]
    return referral_id


def test_every_door_of_handoff_holds(hub, tmp_path):
    client = service_client(hub, tmp_path)
    escalated = escalated_referral(hub)
    hub.episode = uuid4()
    received, accepted, started, completed, declined, read, disclosed, patched, put = (hub.reserve() for _ in range(9))
    for handoff_id in (started, completed):
        assert hub.move(handoff_id, "accept", RESPITE).status_code == 200
    hub.resolve([Need.HOUSING])
    referral = hub.events()[-1].data.referral_id
    hub.episode, episode = uuid4(), hub.episode
    hub.resolve([Need.HOUSING])
    reported = hub.events()[-1].data.referral_id

    admin, respite, housing, outsider = (bearer(ADMIN_TOKEN), *(sign_in(hub, p) for p in (RESPITE, HOUSING, OUTSIDER)))
    handoff = {"handoff_id": str(read)}

    def move(handoff_id, body=None) -> Door:
        return Door(respite, outsider, path={"handoff_id": str(handoff_id)}, body=body)

    # Handoff has no account at intake here: the addressee passes the guard and is told disclosures are off;
    # nor an HMIS pseudonym key: county IT passes and is told the HMIS export is off.
    doors = {
        ("POST", "/v1/handoffs/{handoff_id}/receive"): move(received),
        ("POST", "/v1/handoffs/{handoff_id}/accept"): move(accepted),
        ("POST", "/v1/handoffs/{handoff_id}/start"): move(started),
        ("POST", "/v1/handoffs/{handoff_id}/complete"): move(completed),
        ("POST", "/v1/handoffs/{handoff_id}/decline"): move(declined, {"reason": "no_capacity"}),
        ("GET", "/v1/handoffs/{handoff_id}"): Door(respite, outsider, path=handoff),
        ("GET", "/v1/episodes/{episode_id}/handoffs"): Door(respite, outsider, path={"episode_id": str(episode)}),
        ("POST", "/v1/referrals/{referral_id}/result"): Door(
            housing,
            outsider,
            path={"referral_id": str(reported)},
            body={"result": "successful_referral_client_accepted", "result_date": hub.clock.now().isoformat()},
        ),
        ("GET", "/v1/referrals/{referral_id}"): Door(housing, respite, path={"referral_id": str(referral)}),
        ("GET", "/v1/episodes/{episode_id}/referrals"): Door(housing, respite, path={"episode_id": str(episode)}),
        ("POST", "/v1/referrals/{referral_id}/resolution"): Door(
            admin, housing, path={"referral_id": str(escalated)}, body={"action": "close", "reason": "unreachable"}
        ),
        ("GET", "/v1/escalations"): Door(admin, housing),
        ("GET", "/v1/admin/hmis-export"): Door(
            admin, housing, params={"start": "2026-01-01", "end": "2026-01-31"}, accepted=503
        ),
        ("POST", "/v1/handoffs/{handoff_id}/disclosure"): Door(
            respite, outsider, path={"handoff_id": str(disclosed)}, body=WANTED, accepted=503
        ),
        ("POST", "/v1/referrals/{referral_id}/disclosure"): Door(
            housing, respite, path={"referral_id": str(referral)}, body=WANTED, accepted=503
        ),
        ("GET", "/fhir/Task/{task_id}"): Door(respite, outsider, path={"task_id": str(read)}),
        ("GET", "/fhir/ServiceRequest/{request_id}"): Door(respite, outsider, path={"request_id": str(read)}),
        ("GET", "/fhir/Task"): Door(respite, outsider, params={"owner": RESPITE, "status": "requested"}),
        ("PATCH", "/fhir/Task/{task_id}"): Door(
            respite,
            outsider,
            path={"task_id": str(patched)},
            body=[{"op": "replace", "path": "/status", "value": "accepted"}],
        ),
        ("PUT", "/fhir/Task/{task_id}"): Door(
            respite,
            outsider,
            path={"task_id": str(put)},
            body=hub.client.get(f"/fhir/Task/{put}", headers=admin).json() | {"status": "received"},
        ),
        ("GET", "/v1/admin/partners"): Door(admin, housing),
        ("POST", "/v1/admin/partners"): Door(
            admin, housing, body={"partner_id": "rapid-rehousing-north", "secret": "r" * 24}, accepted=201
        ),
    }
    open_routes = OPEN_ROUTES | {("GET", "/fhir/metadata")}  # a FHIR server's CapabilityStatement is public
    assert check_every_door(client, doors, open_routes=open_routes) == []
    assert [hub.handoff(h)["status"] for h in (received, accepted, started, completed, declined, patched, put)] == [
        "received",
        "accepted",
        "in-progress",
        "completed",
        "rejected",
        "accepted",
        "received",
    ]


def test_a_handoff_is_read_by_its_addressee_its_sender_and_county_it_and_refused_to_others(hub):
    handoff_id = hub.reserve()  # from the mobile team to the peer respite
    url = f"/v1/handoffs/{handoff_id}"
    published = hub.events()
    for reader in (sign_in(hub, RESPITE), sign_in(hub, TEAM), bearer(ADMIN_TOKEN)):
        shown = hub.client.get(url, headers=reader)
        assert shown.status_code == 200 and shown.json()["to_party"] == RESPITE
    refused = hub.client.get(url, headers=sign_in(hub, OUTSIDER))
    assert refused.status_code == 403
    assert "addressed to or comes from" in refused.json()["detail"]["message"]
    assert RESPITE not in str(refused.json()), "an outsider is not told where the person went"
    assert hub.client.get(f"/v1/handoffs/{uuid4()}", headers=sign_in(hub, OUTSIDER)).status_code == 404
    assert hub.client.get(f"/v1/handoffs/{uuid4()}").status_code == 401
    assert hub.events() == published


def test_an_episodes_lists_hold_only_what_the_caller_is_party_to(hub):
    hub.triage()  # a police field referral: a pre-arrest diversion to care navigation
    hub.clock.advance(timedelta(minutes=1))
    placement = hub.reserve()
    hub.resolve([Need.HOUSING])
    handoffs, referrals = f"/v1/episodes/{hub.episode}/handoffs", f"/v1/episodes/{hub.episode}/referrals"

    def listed(url: str, headers: dict[str, str]) -> list[str]:
        answer = hub.client.get(url, headers=headers)
        assert answer.status_code == 200, answer.text
        return [item["to_party"] for item in answer.json()]

    assert listed(handoffs, bearer(ADMIN_TOKEN)) == [NAVIGATION, RESPITE]
    assert listed(handoffs, sign_in(hub, RESPITE)) == [RESPITE]
    assert listed(handoffs, sign_in(hub, NAVIGATION)) == [NAVIGATION]
    assert [h["handoff_id"] for h in hub.client.get(handoffs, headers=sign_in(hub, TEAM)).json()] == [str(placement)]
    assert listed(referrals, sign_in(hub, HOUSING)) == [HOUSING]
    assert listed(referrals, bearer(ADMIN_TOKEN)) == [HOUSING]
    for url, outsider in ((handoffs, HOUSING), (referrals, RESPITE), (handoffs, OUTSIDER)):
        refused = hub.client.get(url, headers=sign_in(hub, outsider))
        assert refused.status_code == 403 and "county IT, or a partner" in refused.json()["detail"]["message"]
    assert hub.client.get(f"/v1/episodes/{uuid4()}/handoffs", headers=bearer(ADMIN_TOKEN)).json() == []


def test_a_referral_is_read_by_its_addressee_and_county_it_only(hub):
    hub.resolve([Need.HOUSING])
    url = f"/v1/referrals/{hub.events()[-1].data.referral_id}"
    assert hub.client.get(url, headers=sign_in(hub, HOUSING)).json()["to_party"] == HOUSING
    assert hub.client.get(url, headers=bearer(ADMIN_TOKEN)).json()["to_party"] == HOUSING
    refused = hub.client.get(url, headers=sign_in(hub, TEAM))
    assert refused.status_code == 403 and HOUSING not in str(refused.json())


def test_another_partners_move_is_refused_before_its_body_is_read_and_changes_nothing(hub):
    handoff_id = hub.reserve()
    hub.resolve([Need.HOUSING])
    referral_id = hub.events()[-1].data.referral_id
    published = hub.events()
    outsider = hub.credentials(OUTSIDER)
    declined = hub.client.post(f"/v1/handoffs/{handoff_id}/decline", json={"reason": "?"}, auth=outsider)
    assert declined.status_code == 403 and declined.json()["detail"]["addressed_to"] == RESPITE
    result = hub.client.post(f"/v1/referrals/{referral_id}/result", json={}, auth=outsider)
    assert result.status_code == 403 and result.json()["detail"]["addressed_to"] == HOUSING
    asked = hub.client.post(f"/v1/referrals/{referral_id}/disclosure", json={}, auth=outsider)
    assert asked.status_code == 403
    assert hub.client.post(f"/v1/handoffs/{uuid4()}/decline", json={}, auth=outsider).status_code == 404
    assert hub.client.post(f"/v1/handoffs/{uuid4()}/decline", json={}).status_code == 401
    assert hub.handoff(handoff_id)["status"] == "requested" and hub.referral(referral_id)["status"] == "requested"
    assert hub.events() == published
