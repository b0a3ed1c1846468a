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
import os
import socket
import subprocess
from datetime import datetime
from pathlib import Path

from rich.console import Console

from continuum_sim.day_plan import MIDNIGHT, DayOptions, GivenDay, day_clock, service_env
from continuum_sim.day_report import render_report
from continuum_sim.day_run import simulate
from continuum_sim.outcomes import write_json
from continuum_sim.stack import Stack


def _kafka(command: str) -> None:
    subprocess.run(["bash", str(Path.cwd() / "deploy" / "kafka.sh"), command], check=True)


def _listening(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    return True


async def run(args: argparse.Namespace, console: Console, given: GivenDay | None = None) -> int:
    """The day through a started stack; ``given``: its arrivals instead of the synthetic traffic."""
    options = DayOptions(
        contacts=len(given.arrivals) if given else args.contacts,
        seed=args.seed,
        scale=args.scale,
        quiet_period_days=args.quiet_period_days,
        returning_share=args.returning_share,
    )
    workdir = Path(args.workdir) / datetime.now().strftime("day-%Y%m%d-%H%M%S")
    clock = day_clock(options, midnight=given.midnight if given else MIDNIGHT)
    stack = Stack(args.kafka, workdir, extra_env=service_env(options, clock))
    what = given.description if given else f"a day of {options.contacts} contacts (seed {options.seed})"
    console.print(
        f"{what}, one simulated day per {86400 / options.scale:.0f} s; "
        f"starting the four services on SQLite in {workdir} ..."
    )
    try:
        await asyncio.to_thread(stack.start, 180.0)  # a busy machine starts four Python services slowly
        day = await simulate(
            args.kafka,
            stack,
            options,
            clock,
            console=console,
            progress=not args.no_progress,
            arrivals=given.arrivals if given else None,
        )
    finally:
        await asyncio.to_thread(stack.stop)
    if given:
        day.report["replay"] = given.report
    render_report(day.report, console)
    if args.json:
        write_json(day.report, args.json)
        console.print(f"report written to {args.json}")
    if args.html:
        from continuum_sim.charts import write_page  # matplotlib is imported only for a page
        from continuum_sim.day_page import day_page

        write_page(day_page(day.report), args.html)
        console.print(f"charts written to {args.html}")
    console.print(f"{day.wall_seconds:.0f} s of wall time; service logs in {workdir}")
    return 1 if day.still_open else 0


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=DayOptions().contacts, help="contacts in the day (scale)")
    add_run_options(parser)
    parser.add_argument("--returning-share", type=float, default=DayOptions().returning_share)
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of a day's run (its clock, report files, broker), shared with ``continuum-cad replay``."""
    defaults = DayOptions()
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
    parser.add_argument("--json", default=None, help="also write the report as JSON to this path")
    parser.add_argument(
        "--html",
        default=None,
        help="also write one self-contained HTML page of charts to this path (contacts per hour against teams "
        "on shift, response times against each area's target, deflection by call type, episodes by closure "
        "reason; each with its table of figures); it needs no network to view",
    )
    parser.add_argument("--kafka", default=None, help="bootstrap servers of a running broker (default: start one)")
    parser.add_argument("--workdir", default=".continuum")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")


def main(argv: list[str] | None = None) -> None:
    play(argument_parser().parse_args(argv))


def play(args: argparse.Namespace, given: GivenDay | None = None) -> None:
    """Start a broker unless one is named, run the day (or the given one), stop; exits 1 if an episode stayed open."""
    console = Console()
    started_kafka = False
    if args.kafka is None:
        args.kafka = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '19092')}"  # where deploy/kafka.sh listens
        started_kafka = not _listening(args.kafka)  # a broker already there is someone else's: left running
        if started_kafka:
            _kafka("start")
    try:
        code = asyncio.run(run(args, console, given))
    finally:
        if started_kafka:
            _kafka("stop")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
