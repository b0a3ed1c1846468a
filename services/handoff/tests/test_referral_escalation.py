"""A housing referral whose reminders all go unanswered escalates to a supervisor, once, and stays open."""

from datetime import datetime, timedelta
from uuid import uuid4

import pytest
from continuum_contracts.vocabulary import Need
from continuum_handoff.config import HandoffSettings

from .conftest import ADMIN_TOKEN

HOUSING = "coordinated-entry"


def sent_referral(hub):
    hub.resolve([Need.HOUSING])
    return hub.events()[-1].data.referral_id


def test_referral_escalates_once_a_day_after_its_last_unanswered_reminder(hub, clock):
    referral_id = sent_referral(hub)
    clock.advance(timedelta(hours=95, minutes=59))
    assert [event.type for event in hub.sweep()] == ["continuum.referral.reminded.v1"]
    assert hub.referral(referral_id)["escalated_at"] is None
    clock.advance(timedelta(minutes=1))
    [escalated] = hub.sweep()
    assert escalated.type == "continuum.referral.escalated.v1" and escalated.subject == str(hub.episode)
    data = escalated.data
    assert (data.referral_id, data.to_party, data.reason) == (referral_id, HOUSING, "reminders_unanswered")
    assert (data.reminders, data.waited_hours) == (2, 96)
    clock.advance(timedelta(days=30))
    assert hub.sweep() == [], "it escalates once; a human must act"
    shown = hub.referral(referral_id)
    assert (shown["status"], shown["awaits_supervisor"]) == ("requested", True)
    assert datetime.fromisoformat(shown["escalated_at"]) == clock.now() - timedelta(days=30)
    assert [r["referral_id"] for r in hub.escalations()["referrals"]] == [str(referral_id)]


def test_a_late_sweep_sends_the_last_reminder_before_escalating(hub, clock):
    sent_referral(hub)
    clock.advance(timedelta(days=10))
    emitted = hub.sweep()
    assert [event.type for event in emitted] == ["continuum.referral.reminded.v1", "continuum.referral.escalated.v1"]
    assert emitted[1].data.reminders == 2


@pytest.mark.parametrize(
    "settings", [HandoffSettings(referral_reminder_hours=[1], referral_escalate_after_hours=2, admin_token=ADMIN_TOKEN)]
)
def test_grace_period_comes_from_settings(hub, clock, settings):
    sent_referral(hub)
    clock.advance(timedelta(hours=2, minutes=59))
    assert [event.type for event in hub.sweep()] == ["continuum.referral.reminded.v1"]
    clock.advance(timedelta(minutes=1))
    [escalated] = hub.sweep()
    assert (escalated.data.reminders, escalated.data.waited_hours) == (1, 3)


def test_a_result_before_the_deadline_means_no_escalation_and_after_it_leaves_the_queue(hub, clock):
    answered = sent_referral(hub)
    hub.report(answered, "successful_referral_client_accepted")
    hub.episode = uuid4()
    late = sent_referral(hub)
    clock.advance(timedelta(hours=96))
    assert [e.data.referral_id for e in hub.sweep() if e.type == "continuum.referral.escalated.v1"] == [late]
    assert hub.report(late, "unsuccessful_referral_provider_rejected").status_code == 200
    shown = hub.referral(late)
    assert (shown["status"], shown["awaits_supervisor"]) == ("rejected", False)
    assert hub.escalations()["referrals"] == []


def test_an_unknown_referral_is_not_found_and_the_queue_needs_the_admin_token(hub):
    assert hub.client.get(f"/v1/referrals/{uuid4()}", headers=hub.admin()).status_code == 404
    assert hub.client.get("/v1/escalations").status_code == 401
