"""At an episode's closure an open referral is never left silently open: cancelled when the person declined
further contact, otherwise handed on to a named owner (its partner, or the county's supervisor role when it
escalated and nobody resolved it)."""

from datetime import timedelta

from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import ClosureReason, Need

HOUSING, COUNTY = "coordinated-entry", "county-care-coordination"


def sent_referral(hub):
    hub.resolve([Need.HOUSING])
    return hub.events()[-1].data.referral_id


def close(hub, reason: ClosureReason) -> None:
    hub.deliver(EpisodeClosedV1(reason=reason))


def test_declined_further_contact_cancels_the_open_referral_and_its_reminders(hub, clock):
    referral_id = sent_referral(hub)
    close(hub, ClosureReason.DECLINED_FURTHER_CONTACT)
    cancelled = hub.events()[-1]
    assert cancelled.type == "continuum.referral.closed.v1"
    assert (cancelled.data.referral_id, cancelled.data.reason, cancelled.data.status) == (
        referral_id,
        "declined_further_contact",
        "cancelled",
    )
    shown = hub.referral(referral_id)
    assert (shown["status"], shown["close_reason"]) == ("cancelled", "declined_further_contact")
    clock.advance(timedelta(days=10))
    assert hub.sweep() == [], "no reminder or escalation for a cancelled referral"


def test_plan_complete_hands_an_answering_partners_referral_on_to_it_and_reminders_go_on(hub, clock):
    referral_id = sent_referral(hub)
    close(hub, ClosureReason.PLAN_COMPLETE)
    handed_on = hub.events()[-1]
    assert handed_on.type == "continuum.referral.handed_on.v1"
    assert (handed_on.data.referral_id, handed_on.data.owner, handed_on.data.reason) == (
        referral_id,
        HOUSING,
        "episode_closed",
    )
    shown = hub.referral(referral_id)
    assert (shown["status"], shown["owner"]) == ("requested", HOUSING)
    clock.advance(timedelta(hours=24))
    assert [event.type for event in hub.sweep()] == ["continuum.referral.reminded.v1"]
    assert hub.report(referral_id, "successful_referral_client_accepted").status_code == 200


def test_an_escalated_unresolved_referral_is_handed_on_to_the_countys_supervisor_role(hub, clock):
    referral_id = sent_referral(hub)
    clock.advance(timedelta(hours=96))
    hub.sweep()
    close(hub, ClosureReason.QUIET_PERIOD_ELAPSED)
    handed_on = hub.events()[-1]
    assert (handed_on.type, handed_on.data.owner) == ("continuum.referral.handed_on.v1", COUNTY)
    assert [r["referral_id"] for r in hub.escalations()["referrals"]] == [str(referral_id)], "still on the queue"


def test_a_second_closure_hands_nothing_on_twice_and_an_ended_referral_is_left_alone(hub):
    answered = sent_referral(hub)
    hub.report(answered, "unsuccessful_referral_client_rejected")
    close(hub, ClosureReason.PLAN_COMPLETE)
    assert "referral.handed_on" not in hub.types()
    close(hub, ClosureReason.DECLINED_FURTHER_CONTACT)
    assert "referral.closed" not in hub.types() and hub.referral(answered)["status"] == "rejected"
