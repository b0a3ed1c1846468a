"""``continuum-demo``: Continuum's main job on its embedded defaults.

Starts a local Kafka broker (unless one is named) and the four services on SQLite, posts sample
crisis contacts as the partner systems would, answers as the mobile-team app, the receiving
facility and the follow-up peer, and prints each episode's journey from contact to closure.
"""

import argparse
import asyncio
import subprocess
import time
from datetime import datetime
from pathlib import Path

from continuum_sim.journeys import Journey
from continuum_sim.partners import Partners
from continuum_sim.scenarios import sample
from continuum_sim.stack import Stack

SERVICE_OF_SOURCE = {
    "/continuum/intake": "intake",
    "/continuum/dispatch": "dispatch",
    "/continuum/handoff": "handoff",
    "/continuum/followup": "followup",
}
DETAIL_FIELDS = (
    "channel",
    "stage",
    "recommended_response",
    "response_type",
    "responder_id",
    "eta_minutes",
    "reason",
    "disposition",
    "place_id",
    "to_party",
    "accepted_by",
    "kind",
    "sequence",
)


def _detail(data: dict) -> str:
    parts = [f"{name}={data[name]}" for name in DETAIL_FIELDS if data.get(name) not in (None, [], "")]
    return ", ".join(parts)


def render(journey: Journey) -> str:
    lines = [f"episode {journey.episode_id}  {journey.scenario.name}"]
    for event in journey.events:
        service = SERVICE_OF_SOURCE.get(event.source, event.source)
        name = event.type.removeprefix("continuum.").removesuffix(".v1")
        lines.append(f"  +{event.seen_at - journey.posted_at:6.2f}s  {service:<9} {name:<26} {_detail(event.data)}")
    closed = journey.closed
    lines.append(f"  closed: {closed.data['reason']}" if closed else "  NOT CLOSED")
    return "\n".join(lines)


def _kafka(command: str) -> None:
    script = Path.cwd() / "deploy" / "kafka.sh"
    subprocess.run(["bash", str(script), command], check=True)


async def run(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir) / datetime.now().strftime("demo-%Y%m%d-%H%M%S")
    stack = Stack(args.kafka, workdir)
    print(f"starting intake, dispatch, handoff and followup on SQLite in {workdir} ...", flush=True)
    await asyncio.to_thread(stack.start)
    try:
        async with Partners(args.kafka, stack.topic, stack.urls, admin_token=stack.admin_token) as partners:
            started = time.monotonic()
            journeys = [await partners.post(scenario) for scenario in sample(args.episodes, seed=args.seed)]
            still_open = await partners.wait_closed([j.episode_id for j in journeys], timeout=args.timeout)
            elapsed = time.monotonic() - started
            for journey in journeys:
                print()
                print(render(journey))
    finally:
        await asyncio.to_thread(stack.stop)
    deflected = sum(1 for j in journeys if j.first("continuum.lawenforcement.deflected.v1"))
    print(
        f"\n{len(journeys) - len(still_open)}/{len(journeys)} episodes closed in {elapsed:.1f}s; "
        f"police deflected on {deflected}; service logs in {workdir}"
    )
    return 1 if still_open else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kafka", default=None, help="bootstrap servers of a running broker (default: start one)")
    parser.add_argument("--workdir", default=".continuum")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    started_kafka = args.kafka is None
    if started_kafka:
        _kafka("start")
        args.kafka = "127.0.0.1:19092"
    try:
        code = asyncio.run(run(args))
    finally:
        if started_kafka:
            _kafka("stop")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
