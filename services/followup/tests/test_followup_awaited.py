"""A response triage asked for and dispatch has not yet sent holds the episode open, as a live one does.

A police field referral asks for a mobile team and a diversion handoff at once. Care navigation can accept and
complete the handoff, and the peer finish its check-in, before dispatch has assigned the team: the episode must
not close under the team on its way. Followup without a broker, on SQLite and PostgreSQL: events handed to the
handlers, what a peer sees through the API and the outbox.
"""

from datetime import timedelta
from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import (
    EpisodeTriagedV1,
    EscalationResolvedV1,
    HandoffCompletedV1,
    ResponseAssignedV1,
    ResponseEscalatedV1,
    ResponseResolvedV1,
)
from continuum_contracts.vocabulary import Acuity, Channel, Disposition, EscalationKind, ResponseType, Stage
from continuum_followup.config import FollowupSettings
from continuum_followup.timers import build_sweeps
from continuum_kit.testing import outbox, run_sweeps

from .conftest import deliver_to

EPISODE = uuid4()
CLOSED = "continuum.episode.closed.v1"


@pytest.fixture
def settings():
    return FollowupSettings(checkin_hours=[48], quiet_period_days=2, checkin_grace_hours=200)


deliver = partial(deliver_to, EPISODE)


def triaged(response_type=ResponseType.MOBILE_TEAM):
    return EpisodeTriagedV1(
        contact_id=uuid4(),
        channel=Channel.POLICE_REFERRAL,
        stage=Stage.SUB_ACUTE,
        acuity=Acuity.URGENT,
        recommended_response=response_type,
        police_required=False,
    )


def assigned(response_id, response_type=ResponseType.MOBILE_TEAM):
    return ResponseAssignedV1(
        response_id=response_id, response_type=response_type, responder_id="mt-1", with_peer=True, eta_minutes=15
    )


def resolved(response_id):
    return ResponseResolvedV1(response_id=response_id, responder_id="mt-1", disposition=Disposition.REFERRED)


def no_team():
    return ResponseEscalatedV1(reason="no_responder_available", response_type=ResponseType.MOBILE_TEAM, area="central")


def supervisor_resolved(escalation_id):
    return EscalationResolvedV1(
        escalation_id=escalation_id, kind=EscalationKind.NO_TEAM, by="supervisor-1", resolution="handled"
    )


def plan(client):
    return client.get(f"/v1/episodes/{EPISODE}/followups").json()


def closures(engine):
    return [e.data.reason for e in outbox(engine) if e.type == CLOSED]


def finish_checkins(client):
    for checkin in plan(client)["checkins"]:
        assert (
            client.post(f"/v1/followups/{checkin['followup_id']}/attempts", json={"reached": True}).status_code == 201
        )


def handoff_done_and_followed_up(engine, clock, client, settings):
    """Care navigation completed the diversion handoff; the peer finished every check-in of its plan."""
    deliver(engine, clock, settings, HandoffCompletedV1(handoff_id=uuid4()))
    finish_checkins(client)


def test_a_plan_completed_before_the_team_is_sent_waits_and_closes_after_the_teams_round(
    engine, clock, client, settings
):
    deliver(engine, clock, settings, triaged())
    handoff_done_and_followed_up(engine, clock, client, settings)
    shown = plan(client)
    assert closures(engine) == []
    assert (shown["plan_status"], shown["closure_waiting"], shown["live_responses"], shown["response_awaited"]) == (
        "open",
        "plan_complete",
        0,
        True,
    )
    clock.advance(timedelta(days=30))  # the quiet period waits for it too
    run_sweeps(engine, clock, build_sweeps(settings))
    assert closures(engine) == []

    team = uuid4()
    deliver(engine, clock, settings, assigned(team))
    shown = plan(client)
    assert (shown["plan_status"], shown["live_responses"], shown["response_awaited"]) == ("suspended", 1, False)
    deliver(engine, clock, settings, resolved(team))
    [after] = plan(client)["checkins"]
    assert plan(client)["round"] == 2 and after["status"] == "scheduled"
    finish_checkins(client)
    assert closures(engine) == ["plan_complete"]


def test_no_team_for_the_triage_keeps_the_episode_open_until_a_supervisor_resolves_that_escalation(
    engine, clock, client, settings
):
    deliver(engine, clock, settings, triaged())
    escalation = deliver(engine, clock, settings, no_team())
    handoff_done_and_followed_up(engine, clock, client, settings)
    assert closures(engine) == [] and plan(client)["response_awaited"] is True
    deliver(engine, clock, settings, supervisor_resolved("0" * 26))  # another escalation: nothing changes
    assert closures(engine) == [] and plan(client)["response_awaited"] is True

    deliver(engine, clock, settings, supervisor_resolved(escalation.id))
    assert closures(engine) == ["plan_complete"]
    assert plan(client)["response_awaited"] is False


def test_a_team_assigned_after_a_no_team_escalation_ends_the_wait_as_any_assignment_does(
    engine, clock, client, settings
):
    deliver(engine, clock, settings, triaged())
    deliver(engine, clock, settings, no_team())
    team = uuid4()
    deliver(engine, clock, settings, assigned(team))
    deliver(engine, clock, settings, resolved(team))
    assert plan(client)["response_awaited"] is False
    finish_checkins(client)
    assert closures(engine) == ["plan_complete"]


def test_a_returning_contact_asking_for_the_kind_already_under_way_is_not_awaited(engine, clock, client, settings):
    team = uuid4()
    deliver(engine, clock, settings, triaged())
    deliver(engine, clock, settings, assigned(team))
    deliver(engine, clock, settings, triaged())  # dispatch sends no second mobile team while this one is live
    deliver(engine, clock, settings, resolved(team))
    assert plan(client)["response_awaited"] is False
    finish_checkins(client)
    assert closures(engine) == ["plan_complete"]


def test_a_returning_contact_asking_for_another_kind_is_awaited_while_the_first_is_live(
    engine, clock, client, settings
):
    peer = uuid4()
    deliver(engine, clock, settings, triaged(ResponseType.PEER_SUPPORT))
    deliver(engine, clock, settings, assigned(peer, ResponseType.PEER_SUPPORT))
    deliver(engine, clock, settings, triaged(ResponseType.MOBILE_TEAM))  # a team is to go as well
    deliver(engine, clock, settings, resolved(peer))
    finish_checkins(client)
    assert closures(engine) == [] and plan(client)["response_awaited"] is True
    team = uuid4()
    deliver(engine, clock, settings, assigned(team))
    deliver(engine, clock, settings, resolved(team))
    finish_checkins(client)
    assert closures(engine) == ["plan_complete"]
