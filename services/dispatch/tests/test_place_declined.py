"""A place declines the person a team is bringing: its bed goes back, another place of the kind is asked, and
when none has room a supervisor is told. A place that declined the person is not asked again."""

from uuid import UUID

from continuum_contracts import Envelope
from continuum_contracts.events import HandoffDeclinedV1
from continuum_kit.testing import unit_of_work

from .conftest import ADMIN
from .test_places import transport

FIRST, SECOND = "stabilization-unit-1", "stabilization-unit-2"


def declined_by(desk, place_id: str, episode_id: str) -> list[Envelope]:
    """The handoff service's ``handoff.declined`` for the handoff to that place, as dispatch's consumer hands it."""
    payload = HandoffDeclinedV1(handoff_id=UUID(int=1), declined_by=place_id, reason="no_capacity")
    envelope = Envelope.new(payload, episode_id=UUID(episode_id), source="/continuum/handoff")
    with unit_of_work(desk.engine, desk.clock) as uow:
        desk.handlers[HandoffDeclinedV1](uow, envelope)
        uow.commit()
        return uow.emitted


def second_unit(client, capacity=4):
    body = {"place_type": "stabilization_unit", "capacity": capacity}
    assert client.put(f"/v1/places/{SECOND}", json=body, headers=ADMIN).status_code == 201


def test_a_declined_bed_goes_back_and_another_place_of_the_kind_is_held(desk, client):
    second_unit(client)
    response = transport(desk)
    first = response["reservation"]
    assert first["place_id"] == FIRST
    emitted = declined_by(desk, FIRST, response["episode_id"])
    assert desk.kinds(emitted) == ["placement.released", "placement.reserved"]
    released, reserved = (e.data for e in emitted)
    assert (str(released.reservation_id), released.reason) == (first["reservation_id"], "handoff_declined")
    assert (reserved.place_id, reserved.place_type, str(reserved.response_id)) == (
        SECOND,
        "stabilization_unit",
        response["response_id"],
    )
    assert desk.place(FIRST)["reserved"] == 0 and desk.place(SECOND)["reserved"] == 1
    assert declined_by(desk, FIRST, response["episode_id"]) == [], "a redelivered decline changes nothing"


def test_when_no_other_place_has_room_the_bed_goes_back_and_a_supervisor_is_told(desk):
    response = transport(desk)
    emitted = declined_by(desk, FIRST, response["episode_id"])
    assert desk.kinds(emitted) == ["placement.released", "placement.unavailable"]
    unavailable = emitted[-1].data
    assert (unavailable.reason, unavailable.declined_by, unavailable.place_type) == (
        "declined_and_no_other_place",
        FIRST,
        "stabilization_unit",
    )
    assert desk.place(FIRST)["reserved"] == 0


def test_a_place_that_declined_the_person_is_not_asked_again(desk, client):
    second_unit(client, capacity=30)  # the most room: asked first
    response = transport(desk)
    assert response["reservation"]["place_id"] == SECOND
    assert desk.kinds(declined_by(desk, SECOND, response["episode_id"])) == ["placement.released", "placement.reserved"]
    emitted = declined_by(desk, FIRST, response["episode_id"])
    assert desk.kinds(emitted) == ["placement.released", "placement.unavailable"], "the second place is not asked again"
    assert emitted[-1].data.declined_by == FIRST


def test_a_decline_on_a_handoff_that_holds_no_bed_changes_nothing(desk):
    response = transport(desk)
    assert declined_by(desk, "care-navigation", response["episode_id"]) == []
    assert desk.place(FIRST)["reserved"] == 1
