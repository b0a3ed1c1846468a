"""Crisis KPIs from real events on the broker: as OpenTelemetry metrics (read by an in-memory reader) and
on the board's KPI API, by program, channel, area and the county's demographic codes."""

import http.server
import threading
import uuid
from datetime import timedelta

import pytest
from continuum_board.config import BoardSettings
from continuum_board.kpis import KpiSource
from continuum_board.metrics import BoardMetrics
from continuum_board.store import EpisodeRow
from continuum_board.testing import T0, running, sign_in, triage_decision
from continuum_contracts.events import (
    ContactReceivedV1,
    FollowupCompletedV1,
    FollowupScheduledV1,
    HandoffCompletedV1,
    HandoffRequestedV1,
    LawEnforcementDeflectedV1,
    ResponseAssignedV1,
    ResponseUpdatedV1,
)
from continuum_contracts.vocabulary import Channel, FollowupChannel, ResponseType
from continuum_kit.testing import migrated_engine
from continuum_sim.partners import eventually

COUNTY_911 = {
    "program": "county-crisis",
    "channel": "911_transfer",
    "area": "central",
    "age_band": "25-34",
    "gender": "unknown",
    "race_ethnicity": "unknown",
    "veteran_status": "unknown",
    "language": "unknown",
}
WARMLINE = {**COUNTY_911, "program": "warmline", "channel": "warmline_call", "area": "outer", "age_band": "unknown"}


def s(seconds: float):
    return T0 + timedelta(seconds=seconds)


class Episode:
    def __init__(self, topic, start: float) -> None:
        self.topic, self.id, self.start, self.events = topic, uuid.uuid4(), start, []

    def add(self, payload, after: float, source: str = "/continuum/test"):
        self.events.append(self.topic.event(self.id, payload, source=source, at=s(self.start + after)))
        return self

    def contact_and_triage(self, answer: float, channel=Channel.TRANSFER_911, waited: int | None = None, **triage):
        self.add(
            ContactReceivedV1(
                contact_id=uuid.uuid4(),
                person_id=uuid.uuid4(),
                channel=channel,
                partner_id="p1",
                received_at=s(self.start),
                answered_after_seconds=waited,
            ),
            0,
        )
        fields = dict(channel=channel, call_type="WELFARE_CHECK", demographics={"age_band": "25-34"})
        return self.add(triage_decision(**{**fields, **triage}), answer)

    def assigned(self, after: float, response_id):
        return self.add(
            ResponseAssignedV1(
                response_id=response_id,
                response_type=ResponseType.MOBILE_TEAM,
                responder_id=f"team-{self.id.hex[:6]}",
                with_peer=True,
                eta_minutes=10,
                target_minutes=30,
            ),
            after,
        )


def points(reader) -> dict[str, list]:
    found: dict[str, list] = {}
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


def point(found, name, attributes):
    matching = [p for p in found.get(name, []) if dict(p.attributes) == attributes]
    assert len(matching) == 1, f"{name} {attributes}: {found.get(name)}"
    return matching[0]


@pytest.mark.kafka
async def test_kpis_by_program_channel_area_and_demographics(board, clock, metric_reader):
    app, topic = board()
    async with topic:
        r1, r2 = uuid.uuid4(), uuid.uuid4()
        h1, h2, f1, f2 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        # Answered in 60 s, assigned 30 s later, on scene 19 minutes after triage, police deflected,
        # its handoff completed, and a peer reached the person 3 h after follow-up began.
        first = (
            Episode(topic, 0)
            .contact_and_triage(60, waited=20)
            .assigned(90, r1)
            .add(LawEnforcementDeflectedV1(response_id=r1, channel=Channel.TRANSFER_911, reason="eligible"), 90)
            .add(ResponseUpdatedV1(response_id=r1, responder_id="t1", status="on_scene"), 60 + 19 * 60)
            .add(HandoffRequestedV1(handoff_id=h1, from_party="t1", to_party="unit-1"), 3000)
            .add(HandoffCompletedV1(handoff_id=h1), 3300)
            .add(
                FollowupScheduledV1(
                    followup_id=f1, sequence=1, due_at=s(90000), channel=FollowupChannel.PHONE, assigned_peer="peer-1"
                ),
                3600,
            )
            .add(FollowupCompletedV1(followup_id=f1, sequence=1, reached=True, attempts=1), 3600 + 3 * 3600)
        )
        # Answered in 120 s, assigned 60 s later, never on scene, not deflected, its handoff still waiting,
        # and nobody reached the person in the 28 h since follow-up began.
        second = (
            Episode(topic, 600)
            .contact_and_triage(120, waited=40)
            .assigned(180, r2)
            .add(HandoffRequestedV1(handoff_id=h2, from_party="t2", to_party="unit-1"), 3000)
            .add(
                FollowupScheduledV1(
                    followup_id=f2, sequence=1, due_at=s(90000), channel=FollowupChannel.PHONE, assigned_peer="peer-1"
                ),
                7200 - 600,
            )
        )
        # A warmline call answered in 30 s: not a call police could have been sent to.
        third = Episode(topic, 1200).contact_and_triage(
            30, channel=Channel.WARMLINE_CALL, program="warmline", area="outer", call_type=None, demographics={}
        )
        events = first.events + second.events + third.events
        await topic.publish(*events)
        clock.advance(timedelta(hours=30))
        async with running(app) as client:
            await sign_in(client)

            async def caught_up():
                return (await client.get("/v1/board")).json()["version"] >= len(events)

            assert await eventually(caught_up, timeout=60)
            by_program = (await client.get("/v1/kpis", params={"by": "program"})).json()
            by_age = (await client.get("/v1/kpis", params={"by": "age_band"})).json()
            found = points(metric_reader)

    # Speed to answer is what the lines reported (20 s and 40 s); the warmline reported none.
    answer = point(found, "continuum.crisis.time_to_answer", COUNTY_911)
    assert (answer.count, answer.sum) == (2, 60.0)
    assert not [p for p in found["continuum.crisis.time_to_answer"] if dict(p.attributes) == WARMLINE]
    triage = point(found, "continuum.crisis.time_to_triage", COUNTY_911)
    assert (triage.count, triage.sum) == (2, 180.0)
    assign = point(found, "continuum.crisis.time_to_assign", COUNTY_911)
    assert (assign.count, assign.sum) == (2, 90.0)
    respond = point(found, "continuum.crisis.time_to_respond", COUNTY_911)
    assert (respond.count, respond.sum) == (1, 1140.0)
    assert point(found, "continuum.crisis.time_to_triage", WARMLINE).sum == 30.0

    def value(name, attributes=COUNTY_911):
        return point(found, f"continuum.crisis.{name}", attributes).value

    assert value("episodes") == 2 and value("episodes", WARMLINE) == 1
    assert (value("deflection.eligible"), value("deflection.deflected"), value("deflection.rate")) == (2, 1, 0.5)
    assert value("deflection.eligible", WARMLINE) == 0
    assert not [p for p in found["continuum.crisis.deflection.rate"] if dict(p.attributes) == WARMLINE]
    assert (value("handoffs.requested"), value("handoffs.completed"), value("handoffs.completion_rate")) == (2, 1, 0.5)
    assert (value("followup.due_24h"), value("followup.within_24h"), value("followup.within_24h_rate")) == (2, 1, 0.5)
    assert (value("followup.due_72h"), value("followup.within_72h"), value("followup.within_72h_rate")) == (1, 1, 1.0)

    groups = {g["program"]: g for g in by_program["groups"]}
    county = groups["county-crisis"]
    assert county["episodes"] == 2 and county["time_to_triage_median_seconds"] == 90.0
    assert (
        county["time_to_answer_median_seconds"] == 30.0 and groups["warmline"]["time_to_answer_median_seconds"] is None
    )
    assert county["time_to_respond_median_seconds"] == 1140.0
    assert (county["police_deflection_rate"], county["handoff_completion_rate"]) == (0.5, 0.5)
    assert (county["followup_24h_rate"], county["followup_72h_rate"]) == (0.5, 1.0)
    assert groups["warmline"]["police_deflection_rate"] is None
    assert by_program["total"]["episodes"] == 3 and by_program["total"]["time_to_triage_median_seconds"] == 60.0
    assert by_program["total"]["time_to_answer_median_seconds"] == 30.0
    assert {g["age_band"]: g["episodes"] for g in by_age["groups"]} == {"25-34": 2, "unknown": 1}


def test_kpis_are_exported_over_otlp_when_an_endpoint_is_set(tmp_path, clock):
    """A real OTLP/HTTP receiver (a local HTTP server) gets the metrics, protobuf-encoded, on /v1/metrics."""
    received: list[tuple[str, bytes]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            received.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = BoardSettings(
            data_dir=tmp_path, otlp_endpoint=f"http://127.0.0.1:{server.server_port}", metric_export_seconds=3600
        )
        engine = migrated_engine(tmp_path / "board.db", "continuum_board")
        metrics = BoardMetrics(settings, KpiSource(engine, clock, settings))
        episode = EpisodeRow(episode_id=uuid.uuid4(), program="county-crisis", channel="walk_in", updated_at=T0)
        metrics.observe_duration("time_to_answer", 42.0, episode)
        assert metrics.provider.force_flush(10_000)
        metrics.shutdown()
    finally:
        server.shutdown()
    assert received and {path for path, _ in received} == {"/v1/metrics"}
    body = b"".join(payload for _, payload in received)
    assert b"continuum.crisis.time_to_answer" in body and b"county-crisis" in body
    assert b"continuum-board" in body
