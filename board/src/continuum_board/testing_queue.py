"""Test helpers for the "needs a human" queue: one episode per kind of item, as the services publish them."""

import uuid

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Acuity, PlaceType, ReferralKind, ResponseType, SafetyFlag

from continuum_board.testing import DISPATCH, FOLLOWUP, HANDOFF, Topic, at, triaged


def escalations(topic: Topic) -> tuple[list[Envelope], dict[str, Envelope], dict[str, uuid.UUID]]:
    """One episode per kind of item (and four whose obligation the service finished itself), as the services
    publish them; returns (every envelope, {name: escalating envelope}, {name: episode id})."""
    ep = {
        name: uuid.uuid4()
        for name in "safety drop no_team_emergent no_team_old no_team_new no_place target handoff stalled".split()
    }
    ep |= {name: uuid.uuid4() for name in "referral checkins fixed accepted answered placed".split()}
    response, handoff, referral = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    accepted_handoff, answered_referral = uuid.uuid4(), uuid.uuid4()

    def escalated(name, minute, reason):
        payload = ev.ResponseEscalatedV1(reason=reason, response_type=ResponseType.MOBILE_TEAM, area="central")
        return topic.event(ep[name], payload, source=DISPATCH, at=at(minute))

    raised = {
        "safety": topic.event(
            ep["safety"],
            ev.ResponseSafetyChangedV1(
                response_id=response,
                responder_id="team-1",
                change=SafetyFlag.WEAPON,
                reason="weapon_seen",
                backup=ResponseType.CO_RESPONSE,
                peer_stepped_back=True,
            ),
            source=DISPATCH,
            at=at(10),
        ),  # fmt: skip
        "drop": topic.event(
            ep["drop"],
            ev.ResponseReplacedV1(response_id=uuid.uuid4(), responder_id="team-2", reason="team_offline"),
            source=DISPATCH,
            at=at(12),
        ),
        "no_team_emergent": escalated("no_team_emergent", 3, "not_acknowledged"),
        "no_team_old": escalated("no_team_old", 5, "no_responder_available"),
        "no_team_new": escalated("no_team_new", 15, "no_team_meets_target"),
        "no_place": topic.event(
            ep["no_place"],
            ev.PlacementUnavailableV1(
                response_id=uuid.uuid4(),
                responder_id="team-3",
                place_type=PlaceType.STABILIZATION_UNIT,
                reason="no_place_with_room",
            ),
            source=DISPATCH,
            at=at(22),
        ),
        "target": escalated("target", 20, "target_missed"),
        "handoff": topic.event(
            ep["handoff"],
            ev.HandoffEscalatedV1(
                handoff_id=handoff, to_party="respite-1", reason="not_accepted_in_time", waited_minutes=15
            ),
            source=HANDOFF,
            at=at(25),
        ),
        "stalled": topic.event(
            ep["stalled"],
            ev.HandoffEscalatedV1(
                handoff_id=uuid.uuid4(), to_party="csu-1", reason="not_completed_in_time", waited_minutes=60
            ),
            source=HANDOFF,
            at=at(26),
        ),
        "referral": topic.event(
            ep["referral"],
            ev.ReferralEscalatedV1(
                referral_id=referral, to_party="housing-ce", reason="unanswered", reminders=3, waited_hours=72
            ),
            source=HANDOFF,
            at=at(30),
        ),
        "checkins": topic.event(
            ep["checkins"],
            ev.ReengagementRequestedV1(followup_id=uuid.uuid4(), attempts=3, reason="unreachable"),
            source=FOLLOWUP,
            at=at(35),
        ),
        "fixed": escalated("fixed", 6, "no_responder_available"),
        "accepted": topic.event(
            ep["accepted"],
            ev.HandoffEscalatedV1(
                handoff_id=accepted_handoff, to_party="respite-2", reason="not_accepted_in_time", waited_minutes=15
            ),
            source=HANDOFF,
            at=at(7),
        ),
        "placed": topic.event(
            ep["placed"],
            ev.PlacementUnavailableV1(
                response_id=uuid.uuid4(),
                responder_id="team-4",
                place_type=PlaceType.PEER_RESPITE,
                reason="declined_and_no_other_place",
                declined_by="respite-3",
            ),
            source=DISPATCH,
            at=at(8),
        ),
        "answered": topic.event(
            ep["answered"],
            ev.ReferralEscalatedV1(
                referral_id=answered_referral, to_party="housing-ce", reason="unanswered", reminders=3, waited_hours=72
            ),
            source=HANDOFF,
            at=at(8),
        ),
    }
    before = [
        triaged(topic, ep["safety"], 1, None, acuity=Acuity.EMERGENT),
        triaged(topic, ep["no_team_emergent"], 1, None, acuity=Acuity.EMERGENT),
        triaged(topic, ep["no_team_old"], 1, None, acuity=Acuity.URGENT),
        triaged(topic, ep["no_team_new"], 1, None, acuity=Acuity.URGENT),
        topic.event(
            ep["referral"],
            ev.ReferralSentV1(referral_id=referral, kind=ReferralKind.HOUSING_COORDINATED_ENTRY, to_party="housing-ce"),
            source=HANDOFF,
            at=at(2),
        ),
    ]
    finished = [  # the services finish these obligations themselves: the items leave the queue
        topic.event(
            ep["placed"],
            ev.PlacementReservedV1(
                reservation_id=uuid.uuid4(),
                response_id=uuid.uuid4(),
                responder_id="team-4",
                place_id="respite-4",
                place_type=PlaceType.PEER_RESPITE,
                hold_until=at(200),
            ),
            source=DISPATCH,
            at=at(9),
        ),
        topic.event(
            ep["fixed"],
            ev.ResponseAssignedV1(
                response_id=uuid.uuid4(),
                response_type=ResponseType.MOBILE_TEAM,
                responder_id="team-9",
                with_peer=True,
                eta_minutes=9,
            ),
            source=DISPATCH,
            at=at(9),
        ),
        topic.event(
            ep["accepted"],
            ev.HandoffAcceptedV1(handoff_id=accepted_handoff, accepted_by="respite-2"),
            source=HANDOFF,
            at=at(9),
        ),
        topic.event(
            ep["answered"],
            ev.ReferralResultRecordedV1(
                referral_id=answered_referral, result="accepted", result_date=at(9), status="accepted"
            ),
            source=HANDOFF,
            at=at(9),
        ),
    ]
    return [*before, *raised.values(), *finished], raised, ep
