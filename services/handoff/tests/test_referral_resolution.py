"""A supervisor resolves an escalated referral: reassign it, close it, or keep it open until a review; from
handoff's API (county IT's admin token) or from the board (EscalationResolvedV1). Refusals change nothing."""

from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest
from continuum_contracts.events import EscalationResolvedV1
from continuum_contracts.vocabulary import EscalationKind, Need

HOUSING, OTHER = "coordinated-entry", "rapid-rehousing-north"


def escalated_referral(hub, clock) -> tuple[UUID, str]:
    """A housing referral whose two reminders went unanswered; its id and the escalation's event id."""
    hub.resolve([Need.HOUSING])
    referral_id = hub.events()[-1].data.referral_id
    clock.advance(timedelta(hours=96))
    escalated = [event for event in hub.sweep() if event.type == "continuum.referral.escalated.v1"]
    return referral_id, escalated[0].id


def test_reassigning_closes_the_old_referral_and_sends_a_new_one_with_its_own_reminders(hub, clock):
    old, _ = escalated_referral(hub, clock)
    answer = hub.resolve_referral(old, action="reassign", to_party=OTHER, by="supervisor-7")
    assert answer.status_code == 200
    closed, sent = hub.events()[-2:]
    assert closed.type == "continuum.referral.closed.v1" and sent.type == "continuum.referral.sent.v1"
    new = sent.data.referral_id
    assert (closed.data.referral_id, closed.data.reason, closed.data.status) == (old, "reassigned", "cancelled")
    assert (closed.data.replaced_by, closed.data.closed_by) == (new, "supervisor-7")
    assert (sent.data.to_party, sent.data.replaces, sent.data.kind) == (OTHER, old, "housing_coordinated_entry")
    assert sent.data.living_situation == "place_not_meant_for_habitation"
    shown = answer.json()
    assert (shown["status"], shown["resolution"], shown["replaced_by"]) == ("cancelled", "reassigned", str(new))
    assert hub.referral(new)["replaces"] == str(old) and hub.escalations()["referrals"] == []
    clock.advance(timedelta(hours=24))
    [reminder] = hub.sweep()
    assert (reminder.data.referral_id, reminder.data.to_party, reminder.data.reminder) == (new, OTHER, 1)
    late = hub.report(old, "successful_referral_client_accepted")
    assert late.status_code == 409 and late.json()["detail"]["current_status"] == "cancelled"
    assert hub.report(new, "successful_referral_client_accepted", partner_id=OTHER).status_code == 200


def test_closing_records_the_reason_and_who_and_stops_every_timer(hub, clock):
    referral_id, _ = escalated_referral(hub, clock)
    answer = hub.resolve_referral(referral_id, action="close", reason="person_moved_away", by="supervisor-7")
    assert answer.status_code == 200 and answer.json()["close_reason"] == "person_moved_away"
    closed = hub.events()[-1]
    assert (closed.type, closed.data.reason, closed.data.closed_by) == (
        "continuum.referral.closed.v1",
        "person_moved_away",
        "supervisor-7",
    )
    assert closed.data.replaced_by is None
    clock.advance(timedelta(days=30))
    assert hub.sweep() == [] and hub.escalations()["referrals"] == []


def test_keeping_open_escalates_again_at_the_review_if_still_unanswered(hub, clock):
    referral_id, _ = escalated_referral(hub, clock)
    review_at = clock.now() + timedelta(days=7)
    body = {"action": "keep_open", "reason": "partner_short_staffed", "review_at": review_at.isoformat()}
    answer = hub.resolve_referral(referral_id, **body)
    assert answer.status_code == 200
    shown = answer.json()
    assert (shown["status"], shown["resolution"], shown["awaits_supervisor"]) == ("requested", "kept_open", False)
    kept = hub.events()[-1]
    assert kept.type == "continuum.referral.kept_open.v1"
    assert (kept.data.reason, kept.data.review_at, kept.data.kept_by) == (
        "partner_short_staffed",
        review_at,
        "county-care-coordination",
    )
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    assert hub.sweep() == []
    clock.advance(timedelta(minutes=1))
    [again] = hub.sweep()
    assert (again.type, again.data.reason) == ("continuum.referral.escalated.v1", "unanswered_at_review")
    assert hub.referral(referral_id)["awaits_supervisor"] is True
    assert hub.sweep() == []


@pytest.mark.parametrize(
    "body",
    [
        {"action": "reassign", "to_party": OTHER},
        {"action": "close", "reason": "no_longer_needed"},
        {"action": "keep_open", "reason": "waiting_list", "review_at": "2099-01-01T00:00:00+00:00"},
    ],
)
def test_a_repeated_resolution_is_harmless(hub, clock, body):
    referral_id, _ = escalated_referral(hub, clock)
    first = hub.resolve_referral(referral_id, **body)
    published = len(hub.events())
    again = hub.resolve_referral(referral_id, **body)
    assert (first.status_code, again.status_code) == (200, 200) and again.json() == first.json()
    assert len(hub.events()) == published


def test_resolving_a_referral_already_closed_answers_its_state_unchanged(hub, clock):
    referral_id, _ = escalated_referral(hub, clock)
    closed = hub.resolve_referral(referral_id, action="close", reason="no_longer_needed")
    published = len(hub.events())
    reassigned = hub.resolve_referral(referral_id, action="reassign", to_party=OTHER)
    assert reassigned.status_code == 200 and reassigned.json() == closed.json()
    assert len(hub.events()) == published


def test_refusals_change_nothing(hub, clock):
    referral_id, _ = escalated_referral(hub, clock)
    before, published = hub.referral(referral_id), len(hub.events())
    close = {"action": "close", "reason": "no_longer_needed"}
    without = hub.resolve_referral(referral_id, headers={}, **close)
    wrong = hub.resolve_referral(referral_id, headers={"Authorization": "Bearer not-the-token"}, **close)
    assert (without.status_code, wrong.status_code) == (401, 401)
    assert hub.resolve_referral(uuid4(), **close).status_code == 404
    same = hub.resolve_referral(referral_id, action="reassign", to_party=HOUSING)
    assert same.status_code == 422 and same.json()["detail"][0]["loc"] == ["body", "to_party"]
    past = {"action": "keep_open", "reason": "waiting_list", "review_at": clock.now().isoformat()}
    stale = hub.resolve_referral(referral_id, **past)
    assert stale.status_code == 422 and stale.json()["detail"][0]["loc"] == ["body", "review_at"]
    unknown = hub.resolve_referral(referral_id, action="forget")
    assert unknown.status_code == 422
    free_text = hub.resolve_referral(referral_id, action="close", reason="the person said ...")
    assert free_text.status_code == 422 and "reason" in str(free_text.json()["detail"][0]["loc"])
    assert hub.referral(referral_id) == before and len(hub.events()) == published


def test_a_referral_with_a_result_or_not_escalated_conflicts(hub, clock):
    referral_id, _ = escalated_referral(hub, clock)
    hub.report(referral_id, "successful_referral_client_accepted")
    answered = hub.resolve_referral(referral_id, action="close", reason="no_longer_needed")
    assert answered.status_code == 409 and answered.json()["detail"]["current_status"] == "completed"
    hub.episode = uuid4()
    hub.resolve([Need.HOUSING])
    fresh = hub.events()[-1].data.referral_id
    published = len(hub.events())
    early = hub.resolve_referral(fresh, action="reassign", to_party=OTHER)
    assert early.status_code == 409 and early.json()["detail"]["current_status"] == "requested"
    assert len(hub.events()) == published and hub.referral(fresh)["resolution"] is None


def board_resolution(escalation_id: str, resolution: str, to_party: str | None = None) -> EscalationResolvedV1:
    return EscalationResolvedV1(
        escalation_id=escalation_id,
        kind=EscalationKind.REFERRAL_UNANSWERED,
        by="supervisor-7",
        resolution=resolution,
        to_party=to_party,
    )


def test_the_boards_reassignment_applies_the_same_use_case_once(hub, clock):
    old, escalation_id = escalated_referral(hub, clock)
    hub.deliver(board_resolution(escalation_id, "reassigned", OTHER))
    assert hub.types()[-2:] == ["referral.closed", "referral.sent"]
    assert hub.events()[-1].data.to_party == OTHER and hub.events()[-1].data.replaces == old
    published = len(hub.events())
    hub.deliver(board_resolution(escalation_id, "reassigned", OTHER))
    hub.deliver(board_resolution(escalation_id, "closed"))
    assert len(hub.events()) == published, "a resolution of a resolved referral is harmless"


@pytest.mark.parametrize(
    ("resolution", "published", "status"),
    [("closed", "referral.closed", "cancelled"), ("kept_open", "referral.kept_open", "requested")],
)
def test_the_boards_close_and_keep_open(hub, clock, settings, resolution, published, status):
    referral_id, escalation_id = escalated_referral(hub, clock)
    hub.deliver(board_resolution(escalation_id, resolution))
    hub.deliver(board_resolution(escalation_id, resolution))
    assert hub.types().count(published) == 1 and hub.referral(referral_id)["status"] == status
    event = hub.events()[-1].data
    if resolution == "kept_open":
        review_at = clock.now() + timedelta(hours=settings.referral_review_after_hours)
        assert (event.kept_by, event.review_at) == ("supervisor-7", review_at)
    else:
        assert event.closed_by == "supervisor-7"


def test_the_board_cannot_reassign_to_the_same_partner_or_resolve_an_unknown_escalation(hub, clock):
    referral_id, escalation_id = escalated_referral(hub, clock)
    published = len(hub.events())
    hub.deliver(board_resolution(escalation_id, "reassigned", HOUSING))
    hub.deliver(board_resolution(escalation_id, "reassigned"))
    hub.deliver(board_resolution(str(uuid4()), "closed"))
    hub.deliver(board_resolution(escalation_id, "handled"))
    assert len(hub.events()) == published and hub.referral(referral_id)["awaits_supervisor"] is True
    assert isinstance(datetime.fromisoformat(hub.referral(referral_id)["escalated_at"]), datetime)
