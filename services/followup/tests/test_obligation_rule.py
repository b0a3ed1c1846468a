"""The check-in obligation: its owner is the assigned peer team, its deadline the due time plus a grace.

Each obligation falling short reaches a human as ``continuum.reengagement.requested.v1`` with a reason:
- owner disappears: the person cannot be reached, every allowed attempt failed (``attempts_exhausted``,
  the board's "check-ins exhausted");
- deadline passes: the check-in fell due and its peer team made no attempt within the grace (``checkin_overdue``).
A request restarts the quiet period (a supervisor's ``escalation.resolved`` again); a closure after it is never
silent: the check-in asked about is cancelled with an event.
"""

from datetime import timedelta
from functools import partial
from uuid import uuid4

import pytest
from continuum_contracts.events import EscalationResolvedV1, ResponseResolvedV1
from continuum_contracts.vocabulary import Disposition, EscalationKind
from continuum_followup.config import FollowupSettings
from continuum_followup.timers import build_sweeps
from continuum_kit.testing import outbox, run_sweeps

from .conftest import deliver_to

EPISODE = uuid4()
REENGAGE = "continuum.reengagement.requested.v1"
CLOSED = "continuum.episode.closed.v1"


@pytest.fixture
def settings():
    return FollowupSettings(checkin_hours=[24, 72], quiet_period_days=2, checkin_grace_hours=12)


deliver = partial(deliver_to, EPISODE)


def in_follow_up(engine, clock, settings, client):
    resolved = ResponseResolvedV1(response_id=uuid4(), responder_id="mt-1", disposition=Disposition.RESOLVED_IN_PLACE)
    deliver(engine, clock, settings, resolved)
    return [c["followup_id"] for c in client.get(f"/v1/episodes/{EPISODE}/followups").json()["checkins"]]


def sweep(engine, clock, settings):
    return [e.type for e in run_sweeps(engine, clock, build_sweeps(settings))]


def attempt(client, followup_id, reached):
    return client.post(f"/v1/followups/{followup_id}/attempts", json={"reached": reached})


def of_type(engine, event_type):
    return [e for e in outbox(engine) if e.type == event_type]


def supervisor_resolves(engine, clock, settings, request):
    resolved = EscalationResolvedV1(
        escalation_id=request.id, kind=EscalationKind.CHECKINS_EXHAUSTED, by="supervisor-1", resolution="handled"
    )
    deliver(engine, clock, settings, resolved)


def test_owner_disappears_person_unreachable_escalates_with_attempts_exhausted(engine, clock, client, settings):
    first, _ = in_follow_up(engine, clock, settings, client)
    clock.advance(timedelta(hours=24))
    answers = [attempt(client, first, reached=False).json()["checkin"]["status"] for _ in range(3)]
    assert answers == ["scheduled", "scheduled", "unreachable"]
    [request] = of_type(engine, REENGAGE)
    assert (str(request.data.followup_id), request.data.attempts, request.data.reason) == (
        first,
        3,
        "attempts_exhausted",
    )


def test_a_reengagement_request_gives_a_human_a_whole_quiet_period_and_closure_cancels_its_checkin_with_an_event(
    engine, clock, client, settings
):
    first, last = in_follow_up(engine, clock, settings, client)
    attempt(client, first, reached=True)
    clock.advance(timedelta(hours=73))
    for _ in range(3):
        attempt(client, last, reached=False)
    [request] = of_type(engine, REENGAGE)
    clock.advance(timedelta(days=1))
    supervisor_resolves(engine, clock, settings, request)  # the quiet period counts again from the answer
    clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert CLOSED not in sweep(engine, clock, settings)
    assert client.get(f"/v1/episodes/{EPISODE}/followups").json()["plan_status"] == "open"
    clock.advance(timedelta(seconds=1))
    assert sweep(engine, clock, settings) == ["continuum.followup.cancelled.v1", CLOSED]
    [cancelled] = of_type(engine, "continuum.followup.cancelled.v1")
    assert (str(cancelled.data.followup_id), cancelled.data.reason) == (last, "episode_closed")
    assert of_type(engine, CLOSED)[0].data.reason == "quiet_period_elapsed"


def test_deadline_passes_an_unattempted_checkin_escalates_once_with_checkin_overdue(engine, clock, client, settings):
    first, second = in_follow_up(engine, clock, settings, client)
    clock.advance(timedelta(hours=24 + 12) - timedelta(seconds=1))
    assert sweep(engine, clock, settings) == []
    clock.advance(timedelta(seconds=1))
    assert sweep(engine, clock, settings) == [REENGAGE] and sweep(engine, clock, settings) == []
    [request] = of_type(engine, REENGAGE)
    assert (str(request.data.followup_id), request.data.attempts, request.data.reason) == (first, 0, "checkin_overdue")
    assert attempt(client, second, reached=False).status_code == 201  # the second check-in is attempted early
    clock.advance(timedelta(hours=72))
    assert sweep(engine, clock, settings) == []  # an attempted check-in is not overdue
    assert len(of_type(engine, REENGAGE)) == 1


def test_an_overdue_request_is_answered_by_the_peers_attempt_and_the_quiet_period_counts_again(
    engine, clock, client, settings
):
    first, second = in_follow_up(engine, clock, settings, client)
    attempt(client, second, reached=True)
    clock.advance(timedelta(hours=36))
    assert sweep(engine, clock, settings) == [REENGAGE]
    clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert sweep(engine, clock, settings) == []  # the request restarted the quiet period
    assert attempt(client, first, reached=False).status_code == 201
    clock.advance(timedelta(days=2))
    assert sweep(engine, clock, settings)[-1] == CLOSED
    assert of_type(engine, CLOSED)[0].data.reason == "quiet_period_elapsed"
