"""Intake without a broker: triage rules and the contact use case on a migrated SQLite database."""

import pytest
from continuum_contracts import Envelope
from continuum_contracts.events import EpisodeClosedV1
from continuum_contracts.vocabulary import Channel, Need, ResponseType, SafetyFlag, Stage
from continuum_intake.domain import triage
from continuum_intake.handlers import HANDLERS, NewContact, receive_contact
from continuum_intake.store import Episode, Person
from continuum_kit.clock import ManualClock
from continuum_kit.testing import migrated_engine, outbox, unit_of_work
from sqlmodel import Session, select


@pytest.fixture
def engine(database_url):
    return migrated_engine(database_url, "continuum_intake")


def test_warmline_caller_without_risk_gets_peer_support_and_no_police():
    decision = triage(Channel.WARMLINE_CALL, set(), {Need.MENTAL_HEALTH}, None)
    assert decision.recommended_response is ResponseType.PEER_SUPPORT
    assert decision.stage is Stage.SUB_ACUTE and not decision.police_required


def test_acute_911_call_without_risk_gets_mobile_team_not_police():
    decision = triage(Channel.TRANSFER_911, set(), {Need.MENTAL_HEALTH}, None)
    assert decision.recommended_response is ResponseType.MOBILE_TEAM
    assert not decision.police_required and "no_safety_flags" in decision.reasons


def test_weapon_reported_requires_police_with_reason():
    decision = triage(Channel.TRANSFER_911, {SafetyFlag.WEAPON}, set(), None)
    assert decision.police_required and decision.reasons == ["weapon"]


def test_medical_emergency_goes_to_ems():
    decision = triage(Channel.CRISIS_LINE_CALL, {SafetyFlag.MEDICAL_EMERGENCY}, set(), None)
    assert decision.recommended_response is ResponseType.EMS


def test_contact_opens_triaged_episode_and_keeps_phi_in_the_vault(engine):
    clock = ManualClock()
    with unit_of_work(engine, clock) as uow:
        contact, episode, _ = receive_contact(
            uow,
            NewContact(
                channel=Channel.TRANSFER_911,
                partner_id="county-911",
                safety_flags=set(),
                needs={Need.HOUSING},
                call_type="WELFARE",
                name="Jordan Example",
                phone="555-0100",
                note="sleeping outside, upset",
            ),
        )
        uow.commit()
    events = outbox(engine)
    assert [e.type for e in events] == [
        "continuum.contact.received.v1",
        "continuum.episode.opened.v1",
        "continuum.episode.triaged.v1",
    ]
    assert {e.subject for e in events} == {str(episode.episode_id)}
    raw = b"".join(str(e.data.model_dump()).encode() for e in events)
    assert b"Jordan" not in raw and b"555-0100" not in raw and b"sleeping outside" not in raw
    with Session(engine) as session:
        assert session.exec(select(Person)).one().name == "Jordan Example"


def test_closed_event_closes_the_episode(engine):
    clock = ManualClock()
    with unit_of_work(engine, clock) as uow:
        _, episode, _ = receive_contact(
            uow, NewContact(channel=Channel.WALK_IN, partner_id="walk-in", safety_flags=set(), needs=set())
        )
        uow.commit()
    closed = Envelope.new(EpisodeClosedV1(reason="plan_complete"), episode_id=episode.episode_id, source="/t")
    with unit_of_work(engine, clock) as uow:
        HANDLERS[closed.type](uow, closed)
        uow.commit()
    with Session(engine) as session:
        stored = session.get(Episode, episode.episode_id)
        assert stored.stage == "closed" and stored.closure_reason == "plan_complete"
