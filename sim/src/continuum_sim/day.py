"""``continuum-day``: a day of crisis traffic through Continuum, compressed, with an outcome report.

Starts a local Kafka broker (unless one is named) and the four services on SQLite, all reading one
simulated clock that runs ``--scale`` times faster than the wall (by default a day in 30 seconds). The
partner systems post a synthetic day (988 and the crisis line, the warmline, 911, 311, police field
referrals, emergency departments, outreach, walk-ins; seeded, invented people only) and answer as the
mobile-team app, facilities, the housing partner and follow-up peers on the same clock, until every
episode has closed after its 24 h and 72 h check-ins. Then it prints what the county would report.
"""

import argparse
import asyncio
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from continuum_kit.clock import ScaledClock
from rich.columns import Columns
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from continuum_sim.day_partners import DayPartners
from continuum_sim.journeys import CLOSED
from continuum_sim.outcomes import PostedContact, outcome_report, write_json
from continuum_sim.stack import Stack
from continuum_sim.traffic import DEFLECTION_ELIGIBLE_CALL_TYPES, Arrival, day_roster, generate_day

DAY = timedelta(hours=24)
FOLLOWUP_HOURS = 72
# The simulated day begins at this midnight (a Friday); the clock is started a little before it, so that
# the services are up when it strikes.
MIDNIGHT = datetime(2026, 3, 6, tzinfo=UTC)
STARTUP_LEAD_SECONDS = 12.0


@dataclass(frozen=True)
class DayOptions:
    contacts: int = 80
    seed: int = 7
    scale: float = 2880.0  # a simulated day in 30 wall seconds
    quiet_period_days: float = 0.5
    returning_share: float = 0.08
    # How long after the day's last contact could fall due at 72 h (plus the quiet period) the day still
    # waits for stragglers: a response, a peer's late first call and two retries fit in it.
    drain_hours: float = 30.0

    def sweep_seconds(self) -> float:
        """Timers are swept about every five simulated minutes (at most once a wall second)."""
        return round(min(1.0, max(0.05, 300 / self.scale)), 3)

    def acknowledge_timeout_seconds(self) -> int:
        """A team's 3-minute acknowledgement window is shorter than a broker round trip once time is
        compressed; the day gives teams two wall seconds (and never less than the county's 3 minutes)."""
        return max(180, round(2 * self.scale))

    def county_settings(self) -> dict[str, object]:
        """The settings the day changes from the embedded defaults, for the report's header."""
        return {
            "clock_scale": self.scale,
            "timer_sweep_seconds": self.sweep_seconds(),
            "acknowledge_timeout_seconds": self.acknowledge_timeout_seconds(),
            "quiet_period_days": self.quiet_period_days,
            "mobile_teams_added": len(day_roster(self.contacts)),
        }


@dataclass
class DayRun:
    report: dict
    partners: DayPartners
    arrivals: list[Arrival]
    wall_seconds: float
    still_open: list[str] = field(default_factory=list)


def day_clock(options: DayOptions, anchor: datetime | None = None) -> ScaledClock:
    """The day's one simulated clock: the sim and every service read it with the same three settings."""
    anchor = anchor or datetime.now(UTC)
    start = MIDNIGHT - timedelta(seconds=STARTUP_LEAD_SECONDS * options.scale)
    return ScaledClock(start, options.scale, anchor)


def service_env(options: DayOptions, clock: ScaledClock) -> dict[str, str]:
    """What the Stack passes every service: the simulated clock and the day's county settings."""
    return {
        "CONTINUUM_CLOCK_SCALE": str(options.scale),
        "CONTINUUM_CLOCK_START": clock.start.isoformat(),
        "CONTINUUM_CLOCK_ANCHOR": clock.anchor.isoformat(),
        "CONTINUUM_TIMER_SWEEP_SECONDS": str(options.sweep_seconds()),
        "CONTINUUM_ACKNOWLEDGE_TIMEOUT_SECONDS": str(options.acknowledge_timeout_seconds()),
        "CONTINUUM_QUIET_PERIOD_DAYS": str(options.quiet_period_days),
        "CONTINUUM_DEFLECTION_ELIGIBLE_CALL_TYPES": json.dumps(DEFLECTION_ELIGIBLE_CALL_TYPES),
    }


def schedule(arrivals: list[Arrival], ready: datetime) -> list[tuple[datetime, Arrival]]:
    """When each contact is posted: at its time of day, in the 24 hours from ``ready`` (an hour of the
    day that has already passed when the services are up comes round again at the end)."""
    midnight = ready.replace(hour=0, minute=0, second=0, microsecond=0)
    planned = []
    for arrival in arrivals:
        at = midnight + arrival.at
        planned.append((at if at >= ready else at + DAY, arrival))
    return sorted(planned, key=lambda pair: pair[0])


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
) -> DayRun:
    """Post the day's contacts on the simulated clock, answer as the partners, wait for closure, report."""
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
    return DayRun(report, partners, arrivals, time.monotonic() - started, report["episodes"]["still_open_ids"])


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: object) -> str:
    return "-" if value is None else str(value)


def _table(title: str, rows: list[tuple[str, object]], *, total: bool = False) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, min_width=36)
    table.add_column(style="cyan")
    table.add_column(justify="right")
    for label, value in rows:
        table.add_row(label, _num(value))
    if total:
        table.add_section()
        table.add_row("[bold]total", f"[bold]{sum(int(v) for _, v in rows)}")  # type: ignore[call-overload]
    return table


AREA_LABELS = {"central": "central (urban)", "outer": "outer (rural)", "unknown": "no location given"}


def render_report(report: dict, console: Console) -> None:
    """The outcome report as a county would read it."""
    window, contacts, responses = report["window"], report["contacts"], report["responses"]
    console.rule("[bold]A day of crisis traffic: outcomes")
    if window:
        settings = ", ".join(f"{k}={v}" for k, v in window["settings"].items())
        console.print(
            f"contacts from {window['day_start'][:16]} to {window['day_end'][:16]} (simulated), follow-up until "
            f"{window['ended'][:16]}: {window['simulated_hours']} h in {window['wall_seconds']} s of wall time; "
            f"seed {window['seed']}; {settings}"
        )
    channels = Table(title="Contacts by channel", title_justify="left", min_width=44)
    for column, justify in (("channel", "left"), ("posted", "right"), ("on the topic", "right")):
        channels.add_column(column, justify=justify)
    for channel, posted in contacts["by_channel"].items():
        channels.add_row(channel, str(posted), _num(contacts["received_on_topic"].get(channel, 0)))
    channels.add_section()
    channels.add_row(
        "[bold]total", f"[bold]{sum(contacts['by_channel'].values())}", str(sum(contacts["received_on_topic"].values()))
    )
    console.print(channels)
    console.print(
        f"{contacts['returning']} contacts joined the person's open episode (returning); "
        f"{contacts['with_safety_flags']} reported a safety flag"
    )
    speed = contacts["speed_to_answer_seconds"]
    if speed["reported"]:
        console.print(
            f"Speed to answer on the crisis line and warmline ({speed['reported']} contacts reported it): "
            f"p50 {speed['p50']:.0f} s, p90 {speed['p90']:.0f} s, {speed['within_30s']:.0%} answered within 30 s"
        )
    escalations = [(f"replaced: {k}", v) for k, v in responses["replaced"].items()]
    escalations += [(f"escalated: {k}", v) for k, v in responses["escalations"].items()]
    console.print(
        Columns(
            [
                _table("Responses by type (first assignment)", list(responses["by_type"].items()), total=True),
                _table("Resolutions by disposition", list(responses["resolved_by_disposition"].items()), total=True),
                _table("Replacements and escalations", escalations or [("none", 0)]),
            ]
        )
    )
    deflection = report["deflection"]
    console.print(
        f"[bold]Law-enforcement deflection:[/] {deflection['deflected']} of {deflection['eligible']} eligible "
        f"911/311 calls answered without police ({_pct(deflection['rate'])})"
    )
    times = Table(title="Crisis-team response times, assignment to on scene (minutes)", title_justify="left")
    for column in ("area", "target", "arrived", "p50", "p90", "late", "not arrived"):
        times.add_column(column, justify="left" if column == "area" else "right")
    for area, row in report["response_times"].items():
        keys = ("target_minutes", "arrived", "p50_minutes", "p90_minutes", "late", "not_arrived")
        times.add_row(AREA_LABELS.get(area, area), *(_num(row[k]) for k in keys))
    console.print(times)
    handoffs, referrals = report["handoffs"], report["referrals"]
    rows = [(label, handoffs[label]) for label in ("requested", "accepted", "declined", "escalated", "completed")]
    rows += [(f"  kind: {kind}", n) for kind, n in handoffs["by_kind"].items()]
    handoff_table = _table("Warm handoffs", rows)
    rows = [("sent", referrals["sent"]), *referrals["results"].items(), ("reminders sent", referrals["reminders"])]
    console.print(Columns([handoff_table, _table("Housing referrals (HMIS 4.20 results)", rows)]))
    followups = report["followups"]
    followup_table = _table(
        "Follow-up by peers",
        [
            ("people with a follow-up plan", followups["people_with_plan"]),
            ("check-ins scheduled", followups["checkins_scheduled"]),
            ("attempts", followups["attempts"]),
            ("check-ins completed", followups["checkins_completed"]),
            ("check-ins unreachable (re-engagement)", followups["checkins_unreachable"]),
            ("people reached within 72 h", followups["people_reached_within_72h"]),
            ("  share", _pct(followups["rate_within_72h"])),
        ],
    )
    episodes = report["episodes"]
    rows = [("opened", episodes["opened"])]
    rows += [(f"closed: {reason}", n) for reason, n in episodes["closed_by_reason"].items()]
    rows += [("still open", episodes["still_open"])]
    console.print(Columns([followup_table, _table("Episodes", rows)]))


def _kafka(command: str) -> None:
    subprocess.run(["bash", str(Path.cwd() / "deploy" / "kafka.sh"), command], check=True)


async def run(args: argparse.Namespace, console: Console) -> int:
    options = DayOptions(
        contacts=args.contacts,
        seed=args.seed,
        scale=args.scale,
        quiet_period_days=args.quiet_period_days,
        returning_share=args.returning_share,
    )
    workdir = Path(args.workdir) / datetime.now().strftime("day-%Y%m%d-%H%M%S")
    clock = day_clock(options)
    stack = Stack(args.kafka, workdir, extra_env=service_env(options, clock))
    console.print(
        f"a day of {options.contacts} contacts (seed {options.seed}), one simulated day per "
        f"{86400 / options.scale:.0f} s; starting the four services on SQLite in {workdir} ..."
    )
    try:
        await asyncio.to_thread(stack.start, 180.0)  # a busy machine starts four Python services slowly
        day = await simulate(args.kafka, stack, options, clock, console=console, progress=not args.no_progress)
    finally:
        await asyncio.to_thread(stack.stop)
    render_report(day.report, console)
    if args.json:
        write_json(day.report, args.json)
        console.print(f"report written to {args.json}")
    console.print(f"{day.wall_seconds:.0f} s of wall time; service logs in {workdir}")
    return 1 if day.still_open else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = DayOptions()
    parser.add_argument("--contacts", type=int, default=defaults.contacts, help="contacts in the day (scale)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--scale", type=float, default=defaults.scale, help="simulated seconds per wall second (2880: a day in 30 s)"
    )
    parser.add_argument(
        "--quiet-period-days",
        type=float,
        default=defaults.quiet_period_days,
        help="silence after the last check-in that closes a plan (county default 30; shortened to fit the run)",
    )
    parser.add_argument("--returning-share", type=float, default=defaults.returning_share)
    parser.add_argument("--json", default=None, help="also write the report as JSON to this path")
    parser.add_argument("--kafka", default=None, help="bootstrap servers of a running broker (default: start one)")
    parser.add_argument("--workdir", default=".continuum")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
    args = parser.parse_args()
    console = Console()
    started_kafka = args.kafka is None
    if started_kafka:
        _kafka("start")
        args.kafka = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '19092')}"  # where deploy/kafka.sh listens
    try:
        code = asyncio.run(run(args, console))
    finally:
        if started_kafka:
            _kafka("stop")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
