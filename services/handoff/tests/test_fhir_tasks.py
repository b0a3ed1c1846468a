"""The FHIR R4 facade read by partners: Tasks, their ServiceRequests, a partner's polling search and the
CapabilityStatement, each answer parsed with the fhir.resources models; refusals are OperationOutcomes."""

from datetime import timedelta
from uuid import uuid4

from continuum_contracts.vocabulary import Need
from continuum_kit.doors import bearer
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from .conftest import ADMIN_TOKEN, HOUSING, RESPITE, TEAM

WEST = "peer-respite-west"
SDOHCC_TASK = "http://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition/SDOHCC-TaskForReferralManagement"


def fhir(answer, resource_type: str, status_code: int = 200) -> dict:
    """The answer's body, checked: its status, FHIR's media type, and the resource parsed by the FHIR model."""
    assert answer.status_code == status_code, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    body = answer.json()
    assert body["resourceType"] == resource_type
    model = {"Task": Task, "Bundle": Bundle, "ServiceRequest": ServiceRequest}.get(resource_type)
    model = model or {"OperationOutcome": OperationOutcome, "CapabilityStatement": CapabilityStatement}[resource_type]
    model.model_validate(body)
    return body


def refused(answer, status_code: int, code: str, naming: str) -> dict:
    issue = fhir(answer, "OperationOutcome", status_code)["issue"][0]
    assert (issue["severity"], issue["code"]) == ("error", code)
    assert naming in issue["diagnostics"], issue
    return issue


def ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle["entry"]]


def test_a_partner_polls_its_requested_tasks_since_its_last_poll_and_gets_only_its_own(hub):
    started = hub.clock.now()
    hub.clock.advance(timedelta(minutes=1))
    mine = str(hub.reserve())
    hub.reserve(place_id=WEST)  # addressed to another respite
    hub.resolve([Need.HOUSING])  # a referral to housing
    auth = hub.credentials(RESPITE)
    since = f"gt{started.isoformat()}"
    polled = fhir(
        hub.client.get(
            "/fhir/Task", params={"owner": RESPITE, "status": "requested", "_lastUpdated": since}, auth=auth
        ),
        "Bundle",
    )
    assert (polled["type"], polled["total"], ids(polled)) == ("searchset", 1, [mine])
    task = polled["entry"][0]["resource"]
    assert task["owner"]["identifier"]["value"] == RESPITE and task["status"] == "requested"
    assert polled["entry"][0]["fullUrl"].endswith(f"/fhir/Task/{mine}")

    hub.clock.advance(timedelta(minutes=5))
    newer = str(hub.reserve())
    again = {
        "owner": f"Organization/{RESPITE}",
        "status": "requested",
        "_lastUpdated": f"gt{task['meta']['lastUpdated']}",
    }
    assert ids(fhir(hub.client.get("/fhir/Task", params=again, auth=auth), "Bundle")) == [newer]
    accepted = hub.client.get("/fhir/Task", params={"owner": RESPITE, "status": "accepted"}, auth=auth)
    assert fhir(accepted, "Bundle")["total"] == 0
    everything = fhir(hub.client.get("/fhir/Task", auth=auth), "Bundle")
    assert ids(everything) == [mine, newer], "without owner: only what the partner is party to"
    window = [("_lastUpdated", f"ge{started.isoformat()}"), ("_lastUpdated", f"lt{task['meta']['lastUpdated']}")]
    assert fhir(hub.client.get("/fhir/Task", params=window, auth=auth), "Bundle")["total"] == 0

    other = hub.client.get("/fhir/Task", params={"owner": WEST}, auth=auth)
    issue = refused(other, 403, "forbidden", "owner")
    assert WEST not in issue["diagnostics"]
    sender = fhir(hub.client.get("/fhir/Task", auth=hub.credentials(TEAM)), "Bundle")
    assert sender["total"] == 3, "the mobile team reads the handoffs that come from it"
    county = fhir(hub.client.get("/fhir/Task", params={"owner": HOUSING}, headers=bearer(ADMIN_TOKEN)), "Bundle")
    assert county["total"] == 1 and county["entry"][0]["resource"]["meta"]["profile"] == [SDOHCC_TASK]


def test_a_task_and_its_service_request_are_read_by_its_parties_and_hold_no_person(hub):
    handoff_id = hub.reserve()
    task = fhir(hub.client.get(f"/fhir/Task/{handoff_id}", auth=hub.credentials(RESPITE)), "Task")
    assert (task["intent"], task["code"]["coding"][0]["code"]) == ("order", "fulfill")
    assert task["focus"]["reference"] == f"ServiceRequest/{handoff_id}"
    assert task["for"]["identifier"]["value"] == str(hub.episode) and "reference" not in task["for"]
    assert task["requester"]["identifier"]["value"] == TEAM and task["authoredOn"]
    asked = fhir(hub.client.get(f"/fhir/ServiceRequest/{handoff_id}", headers=bearer(ADMIN_TOKEN)), "ServiceRequest")
    assert (asked["status"], asked["intent"], asked["code"]["coding"][0]["code"]) == (
        "active",
        "order",
        "team_to_peer_respite",
    )
    assert set(asked["subject"]) == {"type", "identifier", "display"}, "a logical reference: no name, no id of a person"
    assert fhir(hub.client.get(f"/fhir/Task/{handoff_id}", auth=hub.credentials(TEAM)), "Task")["id"] == str(handoff_id)
    outsider = hub.client.get(f"/fhir/Task/{handoff_id}", auth=hub.credentials(WEST))
    assert RESPITE not in refused(outsider, 403, "forbidden", "needs")["diagnostics"]
    refused(hub.client.get(f"/fhir/ServiceRequest/{handoff_id}", auth=hub.credentials(HOUSING)), 403, "forbidden", "")
    refused(hub.client.get(f"/fhir/Task/{uuid4()}", auth=hub.credentials(RESPITE)), 404, "not-found", "Task/")
    refused(hub.client.get("/fhir/Task/not-a-uuid", auth=hub.credentials(RESPITE)), 404, "not-found", "not-a-uuid")
    anonymous = hub.client.get(f"/fhir/Task/{handoff_id}")
    refused(anonymous, 401, "login", "credentials")
    assert "Basic" in anonymous.headers["www-authenticate"]


def test_a_referral_is_an_sdohcc_referral_task_with_its_hmis_request(hub):
    hub.resolve([Need.HOUSING])
    referral_id = hub.events()[-1].data.referral_id
    task = fhir(hub.client.get(f"/fhir/Task/{referral_id}", auth=hub.credentials(HOUSING)), "Task")
    assert task["meta"]["profile"] == [SDOHCC_TASK]
    for element in ("status", "intent", "code", "focus", "for", "authoredOn", "requester", "owner"):
        assert element in task, element
    asked = fhir(hub.client.get(f"/fhir/ServiceRequest/{referral_id}", auth=hub.credentials(HOUSING)), "ServiceRequest")
    assert asked["category"][0]["coding"][0]["code"] == "homelessness"
    assert asked["code"]["coding"][0]["code"] == "referral_to_housing_resource"
    assert asked["reasonCode"][0]["coding"][0]["code"] == "place_not_meant_for_habitation"


def test_unknown_types_parameters_and_statuses_are_operation_outcomes_naming_them(hub):
    auth = hub.credentials(RESPITE)
    refused(hub.client.get("/fhir/Patient/123", auth=auth), 404, "not-supported", "'Patient'")
    refused(hub.client.get("/fhir/Observation", auth=auth), 404, "not-supported", "'Observation'")
    deleted = hub.client.delete(f"/fhir/Task/{uuid4()}", auth=auth)
    refused(deleted, 405, "not-supported", "DELETE")
    assert deleted.headers["allow"] == "GET, PATCH, PUT"
    issue = refused(hub.client.get("/fhir/Task", params={"colour": "red"}, auth=auth), 400, "not-supported", "'colour'")
    assert issue["expression"] == ["colour"]
    refused(hub.client.get("/fhir/Task", params={"status": "done"}, auth=auth), 400, "code-invalid", "done")
    refused(
        hub.client.get("/fhir/Task", params={"_lastUpdated": "gt2026-13-01"}, auth=auth), 400, "invalid", "_lastUpdated"
    )
    refused(
        hub.client.get("/fhir/Task", params={"_lastUpdated": "eq2026-01-01"}, auth=auth), 400, "not-supported", "gt, ge"
    )
    refused(hub.client.get("/fhir/Task", params={"_count": "0"}, auth=auth), 400, "invalid", "_count")


def test_the_capability_statement_validates_as_fhir():
    from continuum_handoff.fhir_api.capability import capability_statement

    statement = CapabilityStatement.model_validate(capability_statement("2026-05-01"))
    assert (statement.fhirVersion, statement.format) == ("4.0.1", ["json"])


def test_metadata_is_served_without_credentials(hub):
    statement = fhir(hub.client.get("/fhir/metadata"), "CapabilityStatement")
    assert statement["fhirVersion"] == "4.0.1" and statement["format"] == ["json"]
    resources = {resource["type"]: resource for resource in statement["rest"][0]["resource"]}
    assert [i["code"] for i in resources["Task"]["interaction"]] == ["read", "search-type", "patch", "update"]
    assert [p["name"] for p in resources["Task"]["searchParam"]] == ["owner", "status", "_lastUpdated", "_id"]
    assert [i["code"] for i in resources["ServiceRequest"]["interaction"]] == ["read"]
