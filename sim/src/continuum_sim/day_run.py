"""Plays the day through a running stack: staffs it, posts on the simulated clock, answers, reports.

The partners answer until every episode has closed (or the follow-up horizon passes); then the outcome report
is computed from what the topic carried."""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from continuum_kit.clock import ScaledClock
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from continuum_sim.day_partners import DayPartners
from continuum_sim.day_plan import DAY, FOLLOWUP_HOURS, DayOptions, hourly, schedule
from continuum_sim.journeys import CLOSED
from continuum_sim.outcomes import PostedContact, outcome_report
from continuum_sim.stack import Stack
from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, Arrival, day_roster, generate_day


@dataclass
class DayRun:
    report: dict
    partners: DayPartners
    arrivals: list[Arrival]
    wall_seconds: float
    still_open: list[str] = field(default_factory=list)


async def staff(stack: Stack, teams: list[dict]) -> None:
    """Add the day's teams to dispatch's roster, as county IT would (a team already there is kept)."""
    headers = {"Authorization": f"Bearer {stack.admin_token}"}
    async with httpx.AsyncClient(timeout=10) as client:
        for team in teams:
            response = await client.post(f"{stack.urls['dispatch']}/v1/responders", json=team, headers=headers)
            if response.status_code not in (201, 409):
                raise RuntimeError(f"dispatch refused team {team['responder_id']}: {response.status_code}")


def _closed(partners: DayPartners, episode_id: str) -> bool:
    return any(event.type == CLOSED for event in partners.events[episode_id])


async def simulate(
    kafka_bootstrap: str,
    stack: Stack,
    options: DayOptions,
    clock: ScaledClock,
    *,
    console: Console | None = None,
    progress: bool = True,
    arrivals: list[Arrival] | None = None,
) -> DayRun:
    """Post the day's contacts on the simulated clock, answer as the partners, wait for closure, report.
    The contacts are the synthetic traffic of ``options`` unless ``arrivals`` are given (a replayed day)."""
    if arrivals is None:
        arrivals = generate_day(options.contacts, options.seed, options.returning_share)
    started = time.monotonic()
    await staff(stack, day_roster(options.contacts))
    silent_for = timedelta(seconds=2 * options.acknowledge_timeout_seconds())
    async with DayPartners(
        kafka_bootstrap, stack.topic, stack.urls, clock=clock, admin_token=stack.admin_token, silent_for=silent_for
    ) as partners:
        ready = clock.now()
        plan = schedule(arrivals, ready)
        day_end = ready + DAY
        horizon = day_end + timedelta(hours=FOLLOWUP_HOURS + 24 * options.quiet_period_days + options.drain_hours)

        async def post_all() -> None:
            pending = []
            for at, arrival in plan:
                await partners.until(at)
                pending.append(asyncio.create_task(partners.post_arrival(arrival)))
            await asyncio.gather(*pending)

        poster = asyncio.create_task(post_all())
        bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            disable=not progress,
            refresh_per_second=8,
        )
        with bar:
            day_task = bar.add_task("contacts posted", total=len(plan), detail="")
            closed_task = bar.add_task("episodes closed", total=0, detail="")
            while True:
                now = clock.now()
                episodes = {p.episode_id for p in partners.posted}
                closed = sum(1 for e in episodes if _closed(partners, e))
                bar.update(day_task, completed=len(partners.posted), detail=f"simulated {now:%a %H:%M}")
                bar.update(
                    closed_task, total=max(1, len(episodes)), completed=closed, detail=f"open {len(episodes) - closed}"
                )
                if poster.done():
                    poster.result()  # a contact intake refused stops the day here
                    if closed == len(episodes):
                        break
                if now >= horizon:
                    break
                await asyncio.sleep(0.25)
        if not poster.done():
            poster.cancel()
        await partners.settle()
        ended = clock.now()
        window = {
            "seed": options.seed,
            "contacts": options.contacts,
            "day_start": ready.isoformat(),
            "day_end": day_end.isoformat(),
            "ended": ended.isoformat(),
            "simulated_hours": round((ended - ready).total_seconds() / 3600, 1),
            "wall_seconds": round(time.monotonic() - started, 1),
            "settings": options.county_settings(),
        }
        posted = [PostedContact(p.arrival.channel, p.episode_id) for p in partners.posted]
        report = outcome_report(
            posted, partners.events, eligible_call_types=DEFLECTION_ELIGIBLE_CALL_TYPES, window=window
        )
        report["by_hour"] = hourly(arrivals, day_roster(options.contacts))  # from the day's plan, not the topic
    return DayRun(report, partners, arrivals, time.monotonic() - started, report["episodes"]["still_open_ids"])
