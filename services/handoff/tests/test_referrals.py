"""Housing referrals close the loop: HMIS codes out, the partner's result back, reminders until it comes."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from continuum_contracts.vocabulary import Need
from continuum_handoff.config import HandoffSettings

from .conftest import ADMIN_TOKEN

HOUSING = "coordinated-entry"


def sent_referral(hub):
    hub.resolve([Need.HOUSING])
    return hub.events()[-1].data.referral_id


def test_housing_referral_carries_hmis_elements_and_stays_open_until_result(hub, clock):
    sent_referral(hub)
    [sent] = hub.events()
    assert sent.type == "continuum.referral.sent.v1"
    assert (sent.data.hmis_event, sent.data.living_situation) == (
        "referral_to_housing_resource",
        "place_not_meant_for_habitation",
    )
    clock.advance(timedelta(days=30))
    [shown] = hub.referrals()
    assert (shown["status"], shown["result"], shown["result_date"]) == ("requested", None, None)
    assert (shown["hmis_event"], shown["living_situation"]) == (
        "referral_to_housing_resource",
        "place_not_meant_for_habitation",
    )


def test_referral_reminders_go_out_on_schedule_until_result(hub, clock):
    referral_id = sent_referral(hub)
    clock.advance(timedelta(hours=23))
    assert hub.sweep() == []
    clock.advance(timedelta(hours=1))
    [first] = hub.sweep()
    assert first.type == "continuum.referral.reminded.v1"
    assert (first.data.referral_id, first.data.to_party, first.data.reminder) == (referral_id, HOUSING, 1)
    assert hub.sweep() == []
    clock.advance(timedelta(hours=48))
    [second] = hub.sweep()
    assert second.data.reminder == 2 and hub.referrals()[0]["reminders_sent"] == 2
    clock.advance(timedelta(days=30))
    assert [event.type for event in hub.sweep()] == ["continuum.referral.escalated.v1"], "no third reminder"
    assert hub.sweep() == []


def test_no_reminder_once_the_result_arrived(hub, clock):
    referral_id = sent_referral(hub)
    clock.advance(timedelta(hours=25))
    hub.sweep()
    hub.report(referral_id, "successful_referral_client_accepted")
    clock.advance(timedelta(hours=72))
    assert hub.sweep() == [] and hub.referrals()[0]["reminders_sent"] == 1


@pytest.mark.parametrize("settings", [HandoffSettings(referral_reminder_hours=[0.5], admin_token=ADMIN_TOKEN)])
def test_reminder_schedule_comes_from_settings(hub, clock, settings):
    sent_referral(hub)
    clock.advance(timedelta(minutes=30))
    assert [event.data.reminder for event in hub.sweep()] == [1]
    clock.advance(timedelta(hours=20))
    assert hub.sweep() == []


def test_a_late_sweep_sends_only_the_latest_reminder_due(hub, clock):
    sent_referral(hub)
    clock.advance(timedelta(hours=80))
    assert [event.data.reminder for event in hub.sweep()] == [2]


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ("successful_referral_client_accepted", "completed"),
        ("unsuccessful_referral_client_rejected", "rejected"),
        ("unsuccessful_referral_provider_rejected", "rejected"),
    ],
)
def test_referral_result_closes_the_loop(hub, result, status):
    referral_id = sent_referral(hub)
    result_date = datetime(2026, 3, 2, 15, tzinfo=UTC)
    recorded = hub.report(referral_id, result, result_date=result_date.isoformat())
    assert recorded.status_code == 200 and recorded.json()["status"] == status
    event = hub.events()[-1]
    assert event.type == "continuum.referral.result.v1" and event.subject == str(hub.episode)
    assert (event.data.referral_id, event.data.result, event.data.status) == (referral_id, result, status)
    assert event.data.result_date == result_date
    [shown] = hub.referrals()
    assert (shown["status"], shown["result"]) == (status, result)


def test_repeating_a_result_is_harmless_but_a_different_one_conflicts(hub):
    referral_id = sent_referral(hub)
    first = hub.report(referral_id, "unsuccessful_referral_provider_rejected")
    again = hub.report(referral_id, "unsuccessful_referral_provider_rejected")
    other = hub.report(referral_id, "successful_referral_client_accepted")
    assert again.status_code == 200 and again.json() == first.json()
    assert other.status_code == 409 and other.json()["detail"]["current_status"] == "rejected"
    assert hub.types().count("referral.result") == 1


def test_result_from_the_wrong_partner_is_forbidden_and_unknown_referral_not_found(hub):
    referral_id = sent_referral(hub)
    refused = hub.report(referral_id, "successful_referral_client_accepted", partner_id="hmis-other")
    assert refused.status_code == 403 and refused.json()["detail"]["addressed_to"] == HOUSING
    assert hub.referrals()[0]["status"] == "requested" and hub.types() == ["referral.sent"]
    assert hub.report(uuid4(), "successful_referral_client_accepted").status_code == 404


def test_result_must_be_an_hmis_code_with_a_dated_timezone(hub):
    referral_id = sent_referral(hub)
    assert hub.report(referral_id, "housed_i_think").status_code == 422
    assert (
        hub.report(referral_id, "successful_referral_client_accepted", result_date="2026-03-02T15:00").status_code
        == 422
    )
