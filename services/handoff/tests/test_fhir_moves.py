"""Moving a Task at /fhir is the /v1 move: the same domain function, the same event in the outbox, the same
state, the same refusal; a retry changes nothing; only the Task's owner moves it."""

import json
from uuid import uuid4

from continuum_contracts.vocabulary import Need
from continuum_kit.doors import bearer

from .conftest import ADMIN_TOKEN, HOUSING, RESPITE
from .test_fhir_tasks import fhir, refused

PATCH = {"Content-Type": "application/json-patch+json"}
WEST = "peer-respite-west"


def patch(hub, task_id, *operations, partner_id=RESPITE):
    body = json.dumps(list(operations))
    return hub.client.patch(f"/fhir/Task/{task_id}", content=body, headers=PATCH, auth=hub.credentials(partner_id))


def to(status: str) -> dict:
    return {"op": "replace", "path": "/status", "value": status}


def reason(code: str) -> dict:
    return {"op": "add", "path": "/statusReason", "value": {"coding": [{"code": code}], "text": code}}


def without_ids(handoff: dict) -> dict:
    return {key: value for key, value in handoff.items() if key != "handoff_id"}


def test_a_patch_accept_moves_the_handoff_exactly_as_post_accept(hub):
    posted, patched = hub.reserve(), hub.reserve()
    assert hub.move(posted, "accept", RESPITE).status_code == 200
    by_post = hub.events()[-1]
    task = fhir(patch(hub, patched, to("accepted")), "Task")
    by_patch = hub.events()[-1]
    assert task["status"] == "accepted"
    assert (by_patch.type, by_patch.episode_id) == (by_post.type, by_post.episode_id) == (by_post.type, hub.episode)
    assert by_patch.data.model_dump() == by_post.data.model_dump() | {"handoff_id": patched}
    assert without_ids(hub.handoff(patched)) == without_ids(hub.handoff(posted))


def test_a_retried_patch_answers_the_same_task_and_emits_nothing_more(hub):
    handoff_id = hub.reserve()
    first = fhir(patch(hub, handoff_id, to("accepted")), "Task")
    published = hub.events()
    again = fhir(patch(hub, handoff_id, to("accepted")), "Task")
    assert again == first and hub.events() == published
    assert hub.move(handoff_id, "accept", RESPITE).status_code == 200 and hub.events() == published


def test_a_rejection_carries_its_reason_as_the_decline_does(hub):
    handoff_id = hub.reserve()
    missing = patch(hub, handoff_id, to("rejected"))
    refused(missing, 422, "required", "no_capacity")
    assert hub.types() == ["handoff.requested"]
    task = fhir(patch(hub, handoff_id, to("rejected"), reason("no_capacity")), "Task")
    assert (task["status"], task["statusReason"]["coding"][0]["code"]) == ("rejected", "no_capacity")
    assert task["statusReason"]["text"]
    declined = hub.events()[-1]
    assert declined.type == "continuum.handoff.declined.v1"
    assert (declined.data.declined_by, declined.data.reason) == (RESPITE, "no_capacity")
    shown = hub.handoff(handoff_id)
    assert (shown["status"], shown["decline_reason"]) == ("rejected", "no_capacity")


def test_another_partners_patch_is_refused_and_changes_nothing(hub):
    handoff_id = hub.reserve()
    published = hub.events()
    issue = refused(patch(hub, handoff_id, to("accepted"), partner_id=WEST), 403, "forbidden", "only its owner")
    assert issue["expression"] == ["Task.owner"]
    county = hub.client.patch(f"/fhir/Task/{handoff_id}", json=[to("accepted")], headers=bearer(ADMIN_TOKEN))
    refused(county, 401, "login", "credentials")
    assert hub.handoff(handoff_id)["status"] == "requested" and hub.events() == published


def test_an_illegal_move_gets_the_refusal_of_the_v1_route(hub):
    handoff_id = hub.reserve()
    v1 = hub.move(handoff_id, "complete", RESPITE)
    assert v1.status_code == 409
    issue = refused(patch(hub, handoff_id, to("completed")), 409, "conflict", v1.json()["detail"]["message"])
    assert "requested" in issue["diagnostics"]
    refused(patch(hub, handoff_id, to("done")), 422, "code-invalid", "'done'")
    refused(patch(hub, handoff_id, to("cancelled")), 422, "not-supported", "'cancelled'")
    owner = {"op": "replace", "path": "/owner", "value": {"display": WEST}}
    refused(patch(hub, handoff_id, owner), 422, "not-supported", "Task.owner")
    refused(
        patch(hub, handoff_id, {"op": "test", "path": "/status", "value": "accepted"}, to("accepted")),
        409,
        "conflict",
        "test",
    )
    not_json = hub.client.patch(f"/fhir/Task/{handoff_id}", content="{", headers=PATCH, auth=hub.credentials(RESPITE))
    refused(not_json, 400, "structure", "not JSON")
    assert hub.types() == ["handoff.requested"]


def test_put_moves_a_task_sent_whole_where_only_status_may_differ(hub):
    handoff_id = hub.reserve()
    auth = hub.credentials(RESPITE)
    current = fhir(hub.client.get(f"/fhir/Task/{handoff_id}", auth=auth), "Task")
    moved = hub.client.put(f"/fhir/Task/{handoff_id}", json=current | {"status": "received"}, auth=auth)
    assert fhir(moved, "Task")["status"] == "received" and hub.types()[-1] == "handoff.received"
    retried = hub.client.put(f"/fhir/Task/{handoff_id}", json=current | {"status": "received"}, auth=auth)
    assert fhir(retried, "Task")["status"] == "received" and hub.types().count("handoff.received") == 1
    owner = current | {"owner": {"display": WEST}, "status": "accepted"}
    refused(hub.client.put(f"/fhir/Task/{handoff_id}", json=owner, auth=auth), 422, "invalid", "Task.owner")
    other = current | {"id": str(hub.reserve()), "status": "accepted"}
    refused(hub.client.put(f"/fhir/Task/{handoff_id}", json=other, auth=auth), 400, "invalid", "Task's id")
    assert hub.handoff(handoff_id)["status"] == "received"


def test_a_referrals_task_takes_its_hmis_result_as_the_result_route_does(hub):
    hub.resolve([Need.HOUSING])
    accepted = hub.events()[-1].data.referral_id
    hub.episode = uuid4()
    hub.resolve([Need.HOUSING])
    rejected = hub.events()[-1].data.referral_id
    refused(patch(hub, accepted, to("accepted"), partner_id=HOUSING), 422, "not-supported", "HMIS 4.20")

    task = fhir(patch(hub, accepted, to("completed"), partner_id=HOUSING), "Task")
    recorded = hub.events()[-1]
    assert recorded.type == "continuum.referral.result.v1"
    assert (recorded.data.result, recorded.data.status) == ("successful_referral_client_accepted", "completed")
    assert task["businessStatus"]["coding"][0]["code"] == "successful_referral_client_accepted"
    assert task["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "successful_referral_client_accepted"
    shown = hub.referral(accepted)
    assert (shown["status"], shown["result"]) == ("completed", "successful_referral_client_accepted")
    published = hub.events()
    assert fhir(patch(hub, accepted, to("completed"), partner_id=HOUSING), "Task") == task
    assert hub.events() == published, "a retry records nothing more"
    conflict = patch(hub, accepted, to("rejected"), reason("unsuccessful_referral_client_rejected"), partner_id=HOUSING)
    refused(conflict, 409, "conflict", "already has the result")

    provider = reason("unsuccessful_referral_provider_rejected")
    task = fhir(patch(hub, rejected, to("rejected"), provider, partner_id=HOUSING), "Task")
    assert task["statusReason"]["coding"][0]["code"] == "unsuccessful_referral_provider_rejected"
    assert hub.referral(rejected)["result"] == "unsuccessful_referral_provider_rejected"
