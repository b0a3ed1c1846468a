"""The read model, fed by real events on a real broker: what a supervisor sees on the board and in a timeline."""

import uuid
from datetime import timedelta

import pytest
from continuum_board.testing import DISPATCH, FOLLOWUP, HANDOFF, INTAKE, at, contact, running, sign_in, triaged
from continuum_contracts.events import (
    EpisodeClosedV1,
    FollowupScheduledV1,
    HandoffReceivedV1,
    HandoffRequestedV1,
    LawEnforcementDeflectedV1,
    PlacementReservedV1,
    ReferralReminderSentV1,
    ResponseAssignedV1,
    ResponseResolvedV1,
    ResponseUpdatedV1,
)
from continuum_contracts.vocabulary import (
    Acuity,
    Channel,
    ClosureReason,
    Disposition,
    FollowupChannel,
    PlaceType,
    ResponseType,
    Stage,
)
from continuum_sim.partners import eventually

pytestmark = [pytest.mark.kafka]


async def board_json(client):
    response = await client.get("/v1/board")
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_board_shows_open_episodes_timers_teams_beds_handoffs_and_followups(board, clock, database_url):
    app, topic = board(database_url)
    late, calm, closed = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    trace_late = uuid.uuid4().hex
    response_id, peer_response = uuid.uuid4(), uuid.uuid4()
    handoff_id, followup_id = uuid.uuid4(), uuid.uuid4()
    async with topic:
        # A 911 welfare check: a mobile team with a 30-minute target that has not arrived 40 minutes on.
        late_events = [
            *contact(topic, late, Channel.TRANSFER_911, 0, trace_late),
            triaged(
                topic,
                late,
                1,
                trace_late,
                call_type="WELFARE_CHECK",
                demographics={"age_band": "25-34", "shoe_size": "9"},
            ),
            topic.event(
                late,
                ResponseAssignedV1(
                    response_id=response_id,
                    response_type=ResponseType.MOBILE_TEAM,
                    responder_id="mobile-team-1",
                    with_peer=True,
                    eta_minutes=20,
                    target_minutes=30,
                ),
                source=DISPATCH,
                at=at(1.5),
                trace_id=trace_late,
            ),
            topic.event(
                late,
                LawEnforcementDeflectedV1(
                    response_id=response_id,
                    channel=Channel.TRANSFER_911,
                    call_type="WELFARE_CHECK",
                    reason="eligible_call_type_no_safety_risk",
                ),
                source=DISPATCH,
                at=at(1.5),
                trace_id=trace_late,
            ),
        ]
        # A warmline caller: a peer answered and resolved it; a respite bed is held, a handoff and a check-in wait.
        calm_events = [
            *contact(topic, calm, Channel.WARMLINE_CALL, 2, None),
            triaged(
                topic,
                calm,
                3,
                None,
                channel=Channel.WARMLINE_CALL,
                stage=Stage.SUB_ACUTE,
                acuity=Acuity.ROUTINE,
                recommended_response=ResponseType.PEER_SUPPORT,
                program="warmline",
            ),
            topic.event(
                calm,
                ResponseAssignedV1(
                    response_id=peer_response,
                    response_type=ResponseType.PEER_SUPPORT,
                    responder_id="warmline-peer-1",
                    with_peer=True,
                    eta_minutes=0,
                ),
                source=DISPATCH,
                at=at(3.2),
            ),
            topic.event(
                calm,
                ResponseUpdatedV1(response_id=peer_response, responder_id="warmline-peer-1", status="on_scene"),
                source=DISPATCH,
                at=at(8),
            ),
            topic.event(
                calm,
                ResponseResolvedV1(
                    response_id=peer_response,
                    responder_id="warmline-peer-1",
                    disposition=Disposition.TRANSPORTED_TO_PEER_RESPITE,
                ),
                source=DISPATCH,
                at=at(20),
            ),
            topic.event(
                calm,
                PlacementReservedV1(
                    reservation_id=uuid.uuid4(),
                    response_id=peer_response,
                    responder_id="warmline-peer-1",
                    place_id="respite-1",
                    place_type=PlaceType.PEER_RESPITE,
                    hold_until=at(140),
                ),
                source=DISPATCH,
                at=at(20),
            ),
            topic.event(
                calm,
                HandoffRequestedV1(
                    handoff_id=handoff_id,
                    from_party="warmline-peer-1",
                    to_party="respite-1",
                    kind="team_to_stabilization",
                    accept_by=at(35),
                ),
                source=HANDOFF,
                at=at(21),
            ),
            topic.event(
                calm, HandoffReceivedV1(handoff_id=handoff_id, received_by="respite-1"), source=HANDOFF, at=at(21.5)
            ),
            topic.event(
                calm,
                FollowupScheduledV1(
                    followup_id=followup_id,
                    sequence=1,
                    due_at=at(20 + 24 * 60),
                    channel=FollowupChannel.PHONE,
                    assigned_peer="peer-followup-team",
                ),
                source=FOLLOWUP,
                at=at(22),
            ),
        ]
        closed_events = [
            *contact(topic, closed, Channel.CRISIS_LINE_CALL, 4, None),
            triaged(topic, closed, 5, None, channel=Channel.CRISIS_LINE_CALL),
            topic.event(closed, EpisodeClosedV1(reason=ClosureReason.PLAN_COMPLETE), source=FOLLOWUP, at=at(30)),
        ]
        reminder_only = uuid.uuid4()  # the board has seen nothing else of this episode
        reminder = topic.event(
            reminder_only,
            ReferralReminderSentV1(referral_id=uuid.uuid4(), to_party="housing-ce", reminder=1),
            source=HANDOFF,
            at=at(25),
        )
        every = late_events + calm_events + closed_events + [reminder]
        await topic.publish(*every)
        await topic.publish(late_events[2])  # delivered twice, as at-least-once delivery may: applied once
        clock.advance(timedelta(minutes=40))

        async with running(app) as client:
            await sign_in(client)

            async def caught_up():
                return (await board_json(client))["version"] >= len(every)

            assert await eventually(caught_up, timeout=60), "the board never caught up with the topic"
            seen = await board_json(client)
            timeline = (await client.get(f"/v1/episodes/{late}/timeline")).json()
            unknown = await client.get(f"/v1/episodes/{uuid.uuid4()}/timeline")
            reminded = (await client.get(f"/v1/episodes/{reminder_only}/timeline")).json()
            not_an_id = await client.get("/v1/episodes/not-an-id/timeline")

    episodes = {e["episode_id"]: e for e in seen["episodes"]}
    assert set(episodes) == {str(late), str(calm)}, "a closed episode is not open"
    first = seen["episodes"][0]
    assert first["episode_id"] == str(late), "late responses come first"
    assert first["late"] is True and seen["late"] == 1
    assert (first["stage"], first["acuity"], first["program"], first["area"]) == (
        "acute",
        "urgent",
        "county-crisis",
        "central",
    )
    assert (first["responder_id"], first["response_status"], first["target_minutes"]) == (
        "mobile-team-1",
        "assigned",
        30,
    )
    assert first["target_due"] == at(31.5).isoformat() and first["deflected"] is True
    second = episodes[str(calm)]
    assert (second["stage"], second["response_status"], second["late"]) == ("stabilization", "resolved", False)
    assert seen["stages"]["acute"] == {"urgent": 1} and seen["stages"]["stabilization"] == {"routine": 1}

    teams = {t["responder_id"]: t for t in seen["teams"]}
    assert teams["mobile-team-1"]["status"] == "assigned" and teams["mobile-team-1"]["episode_id"] == str(late)
    assert teams["warmline-peer-1"]["status"] == "available" and teams["warmline-peer-1"]["episode_id"] is None
    assert seen["places"] == [
        {
            "place_id": "respite-1",
            "place_type": "peer_respite",
            "held": 1,
            "occupied": 0,
            "capacity": None,
            "available": None,
            "accepting": True,
        }
    ]
    [waiting] = seen["handoffs_waiting"]
    assert (waiting["handoff_id"], waiting["to_party"], waiting["overdue"]) == (str(handoff_id), "respite-1", True)
    assert waiting["status"] == "received", "seen by the receiving partner, not yet accepted"
    [due] = seen["followups_due"]
    assert (due["followup_id"], due["overdue"], due["episode_id"]) == (str(followup_id), False, str(calm))

    assert [e["type"] for e in timeline["events"]] == [e.type for e in late_events]
    assert [e["event_id"] for e in timeline["events"]] == [e.id for e in late_events]
    assert [e["source"] for e in timeline["events"]] == [INTAKE, INTAKE, INTAKE, DISPATCH, DISPATCH]
    assert {e["trace_id"] for e in timeline["events"]} == {trace_late}
    assert timeline["events"][0]["time"] == at(0).isoformat()
    assert timeline["events"][2]["data"]["demographics"] == {"age_band": "25-34"}, "only the county's chosen codes"
    assert unknown.status_code == 404
    assert [e["type"] for e in reminded["events"]] == ["continuum.referral.reminded.v1"]
    assert not_an_id.status_code == 422 and not_an_id.json()["detail"][0]["loc"] == ["path", "episode_id"]
