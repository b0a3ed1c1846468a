"""A receiving partner asks handoff for the person's record: handoff vouches only for the addressee of a live
handoff or referral, and says plainly when disclosures are off or intake cannot be reached."""

import socket

from continuum_contracts.vocabulary import Need
from continuum_handoff import api
from continuum_handoff.config import HandoffSettings
from continuum_kit.testing import api_client

from .conftest import ADMIN_TOKEN

RESPITE, HOUSING = "peer-respite-east", "coordinated-entry"
WANTED = {"categories": ["identity"], "purpose": "housing_assistance"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_settings(hub, settings: HandoffSettings):
    hub.client = api_client(api.router, hub.engine, hub.clock, settings)
    return hub


def ask(hub, what: str, task_id, partner_id: str, body=WANTED):
    return hub.client.post(f"/v1/{what}/{task_id}/disclosure", json=body, auth=hub.credentials(partner_id))


def test_disclosures_are_off_until_handoff_has_credentials_at_intake(hub):
    handoff_id = hub.reserve()
    answer = ask(hub, "handoffs", handoff_id, RESPITE)
    assert answer.status_code == 503 and "CONTINUUM_INTAKE_SECRET" in answer.json()["detail"]


def test_unreachable_intake_is_a_503_to_retry_not_a_refusal(hub):
    settings = HandoffSettings(
        intake_url=f"http://127.0.0.1:{closed_port()}", intake_secret="s" * 32, admin_token=ADMIN_TOKEN
    )
    handoff_id = with_settings(hub, settings).reserve()
    answer = ask(hub, "handoffs", handoff_id, RESPITE)
    assert answer.status_code == 503 and "try again" in answer.json()["detail"]


def test_only_the_addressee_may_ask_and_only_while_the_task_is_live(hub):
    settings = HandoffSettings(
        intake_url=f"http://127.0.0.1:{closed_port()}", intake_secret="s" * 32, admin_token=ADMIN_TOKEN
    )
    with_settings(hub, settings)
    handoff_id = hub.reserve()
    other = ask(hub, "handoffs", handoff_id, "peer-respite-west")
    assert other.status_code == 403 and other.json()["detail"]["addressed_to"] == RESPITE
    hub.move(handoff_id, "decline", RESPITE, reason="no_capacity")
    ended = ask(hub, "handoffs", handoff_id, RESPITE)
    assert ended.status_code == 409 and ended.json()["detail"]["current_status"] == "rejected"
    hub.resolve(needs=(Need.HOUSING,))
    [referral] = hub.referrals()
    assert ask(hub, "referrals", referral["referral_id"], RESPITE).status_code == 403
    assert ask(hub, "referrals", referral["referral_id"], HOUSING).status_code == 503  # vouched for; intake is down


def test_a_bad_request_names_the_field(hub):
    handoff_id = hub.reserve()
    empty = ask(hub, "handoffs", handoff_id, RESPITE, body={"categories": [], "purpose": "housing_assistance"})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "categories"]
    unknown = ask(hub, "handoffs", handoff_id, RESPITE, body={"categories": ["everything"], "purpose": "treatment"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][:2] == ["body", "categories"]
    assert hub.client.post(f"/v1/handoffs/{handoff_id}/disclosure", json=WANTED).status_code == 401
