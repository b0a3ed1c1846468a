"""Pre-arrest diversion: an officer's field referral becomes a warm handoff to care navigation instead of a booking."""

from datetime import timedelta

from continuum_contracts.vocabulary import Channel

NAVIGATION = "care-navigation"


def test_police_referral_becomes_diversion_handoff_to_care_navigation(hub, clock):
    hub.triage(Channel.POLICE_REFERRAL, program="apd-pad")
    [requested] = hub.events()
    assert requested.type == "continuum.handoff.requested.v1" and requested.subject == str(hub.episode)
    data = requested.data
    assert (data.kind, data.from_party, data.to_party, data.warm) == (
        "pre_arrest_diversion",
        "apd-pad",
        NAVIGATION,
        True,
    )
    assert data.accept_by == clock.now() + timedelta(minutes=30)
    [shown] = hub.handoffs()
    assert (shown["handoff_id"], shown["status"]) == (str(data.handoff_id), "requested")


def test_diversion_from_an_unnamed_program_comes_from_police(hub):
    hub.triage(Channel.POLICE_REFERRAL, program=None)
    assert hub.events()[0].data.from_party == "police"


def test_diversion_acceptance_tells_the_officer_no_booking_was_needed(hub):
    hub.triage()
    handoff_id = hub.events()[0].data.handoff_id
    accepted = hub.move(handoff_id, "accept", NAVIGATION)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    event = hub.events()[-1]
    assert event.type == "continuum.handoff.accepted.v1"
    assert (event.data.accepted_by, event.data.no_booking) == (NAVIGATION, True)


def test_placement_acceptance_says_nothing_about_booking(hub):
    handoff_id = hub.reserve()
    hub.move(handoff_id, "accept", "peer-respite-east")
    assert hub.events()[-1].data.no_booking is False


def test_other_channels_do_not_start_a_diversion(hub):
    hub.triage(Channel.CRISIS_LINE_CALL)
    hub.triage(Channel.TRANSFER_911)
    assert hub.events() == [] and hub.handoffs() == []


def test_police_referral_triaged_twice_makes_one_diversion(hub):
    hub.triage()
    hub.triage(program=None)
    assert hub.types() == ["handoff.requested"] and hub.events()[0].data.from_party == "apd-pad"


def test_a_referral_triaged_without_a_program_comes_from_the_program_the_episode_had(hub):
    """A crisis-line contact named the program; the officer's later field referral, triaged without one, keeps it."""
    hub.triage(Channel.CRISIS_LINE_CALL, program="apd-pad")
    hub.triage(Channel.POLICE_REFERRAL, program=None)
    assert hub.types() == ["handoff.requested"] and hub.events()[0].data.from_party == "apd-pad"


def test_a_later_triage_with_a_program_replaces_the_one_known(hub):
    hub.triage(Channel.CRISIS_LINE_CALL, program="county-mobile")
    hub.triage(Channel.POLICE_REFERRAL, program="apd-pad")
    assert hub.events()[0].data.from_party == "apd-pad"


def test_diversion_goes_to_the_configured_care_navigation_partner(hub, settings):
    settings.care_navigation_partner_id = "pad-navigators"
    hub.triage()
    assert hub.events()[0].data.to_party == "pad-navigators"


def test_diversion_not_accepted_in_time_escalates_for_the_officer(hub, clock):
    hub.triage()
    clock.advance(timedelta(minutes=30))
    [escalated] = hub.sweep()
    assert (escalated.data.to_party, escalated.data.reason) == (NAVIGATION, "not_accepted_in_time")
