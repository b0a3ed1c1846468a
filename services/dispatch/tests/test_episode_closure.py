"""An episode closed while a response is live: the response is cancelled and a held bed released, each once."""

from uuid import uuid4

from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import ClosureReason
from continuum_kit.testing import unit_of_work


def close(desk, episode_id) -> list[Envelope]:
    """Deliver followup's episode.closed as the consumer would; return what dispatch emitted for it."""
    closed = Envelope.new(
        EpisodeClosedV1(reason=ClosureReason.DECLINED_FURTHER_CONTACT),
        episode_id=episode_id,
        source="/continuum/followup",
    )
    with unit_of_work(desk.engine, desk.clock) as uow:
        desk.handlers[EpisodeClosedV1](uow, closed)
        uow.commit()
        return uow.emitted


def send_team(desk, episode_id) -> dict:
    return desk.assigned(area="central", at=desk.near("mobile-team-1"), episode_id=episode_id)


def test_closing_an_episode_mid_response_cancels_it_and_frees_the_team(desk):
    episode_id = uuid4()
    first = send_team(desk, episode_id)
    desk.update(first["response_id"], "en_route")
    emitted = close(desk, episode_id)
    assert desk.kinds(emitted) == ["response.cancelled"]
    cancelled = emitted[0].data
    assert (str(cancelled.response_id), cancelled.responder_id, cancelled.reason) == (
        first["response_id"],
        "mobile-team-1",
        "episode_closed",
    )
    view = desk.response(first["response_id"])
    assert view["status"] == "cancelled" and view["target_due"] is None and view["progress_due"] is None
    team = desk.responder("mobile-team-1")
    assert team["status"] == "available" and team["active_responses"] == 0
    answer = desk.update(first["response_id"], "on_scene")
    assert answer.status_code == 409 and answer.json()["detail"]["current_status"] == "cancelled"
    assert close(desk, episode_id) == [], "closed again: nothing more"


def test_a_team_with_another_call_stays_busy_when_one_episode_closes(desk):
    episode_id = uuid4()
    first = send_team(desk, episode_id)
    desk.update(first["response_id"], "en_route")
    desk.set_status("mobile-team-2", "offline")
    desk.set_status("mobile-team-3", "offline")
    other = send_team(desk, uuid4())
    assert other["responder_id"] == "mobile-team-1"
    close(desk, episode_id)
    assert desk.responder("mobile-team-1")["active_responses"] == 1


def test_closing_releases_a_held_bed_but_not_an_occupied_one(desk, client, admin):
    held_episode, admitted_episode = uuid4(), uuid4()
    for episode_id in (held_episode, admitted_episode):
        data = send_team(desk, episode_id)
        desk.update(data["response_id"], "resolved", disposition="transported_to_stabilization")
    admitted = desk.events()[-1].data
    answer = client.post(
        f"/v1/places/{admitted.place_id}/admissions",
        json={"reservation_id": str(admitted.reservation_id)},
        headers=admin,
    )
    assert answer.status_code == 201
    emitted = close(desk, held_episode)
    assert desk.kinds(emitted) == ["placement.released"]
    assert emitted[0].data.reason == "episode_closed" and emitted[0].data.place_type == "stabilization_unit"
    assert close(desk, admitted_episode) == [], "the person is in the bed"
    unit = desk.place(admitted.place_id)
    assert (unit["reserved"], unit["occupied"]) == (0, 1)


def test_closing_an_episode_with_a_finished_response_changes_nothing(desk):
    episode_id = uuid4()
    first = send_team(desk, episode_id)
    desk.update(first["response_id"], "resolved", disposition="resolved_in_place")
    before = desk.events()
    assert close(desk, episode_id) == [] and desk.events() == before
