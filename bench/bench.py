"""Continuum's benchmark, from one run on one broker.

(a) a raw aiokafka consume->produce relay of records with Continuum's CloudEvents headers, in messages/s;
(b) a FastStream subscriber->publisher relay with FastStream's defaults, the same records, in messages/s;
(c) Continuum end to end, the four services as processes: episodes posted at once (saturated: episodes/s from
    contact to closure) and paced (4/s and 20/s: contact posted -> response assigned, p50 and p99), after
    ``--warm-up`` episodes posted and closed untimed (partners registered, secrets checked once, as in a county);
(d) intake alone: 16 concurrent HTTP clients posting contacts, contacts/s and p50/p99;
(e) CPU seconds of every process in each phase, and CPU ms per closed episode per service;
(f) scale-out: (c) saturated again on PostgreSQL with 1 and then 2 instances of every service (``--scale-out``);
then the ratios of (c) to (a) and (b). Flags choose SQLite or PostgreSQL, N instances per service, the single
broker or the three-node cluster, and episodes stored beforehand. Run: ``make bench`` (or
``uv run python bench/bench.py --help``)."""

import argparse
import asyncio
import json
import logging
import subprocess
import sys
from pathlib import Path

from county import Options, county
from phases import episodes, intake_alone, warm_up
from relays import faststream_relay, raw_relay
from report import cpu_table, ratios, render
from stored import preload

ROOT = Path(__file__).resolve().parents[1]
SHARED_POSTGRES = "postgresql://continuum@127.0.0.1:15432/continuum_test"
CLUSTER = "127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096"


def _kafka_script(*args: str) -> str:
    done = subprocess.run(["bash", str(ROOT / "deploy" / "kafka.sh"), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"deploy/kafka.sh {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def cluster_running() -> bool:
    status = _kafka_script("status")
    return all(f"cluster node {n}: running" in status for n in (1, 2, 3))


async def run(args: argparse.Namespace, options: Options) -> dict:
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if args.verbose else (lambda *a: None)
    log("(a) raw relay ...")
    raw = await raw_relay(options.kafka, args.messages, options.replication)
    log("(b) FastStream relay ...")
    faststream = await faststream_relay(options.kafka, args.faststream_messages, options.replication)
    log("(d) intake alone ...")
    with county(options, "intake", only=("intake",)) as stack:
        alone = await intake_alone(stack, args.contacts, args.clients, seed=11)
    log("(c) Continuum end to end ...")
    with county(options, "e2e") as stack:
        stored = await preload(stack, options.kafka, args.stored, args.stored_through)
        await warm_up(stack, args.warm_up, seed=3)
        saturated = await episodes(stack, args.episodes, None, seed=5)
        paced = []
        for n, rate in enumerate(args.rates):
            log(f"    paced {rate:g}/s ...")
            count = max(2, round(rate * args.paced_seconds))
            paced.append(await episodes(stack, count, rate, seed=100 + n))
    scale_out = []
    for instances in args.scale_out:
        log(f"(f) scale-out, {instances} instance(s) per service ...")
        scaled = Options(options.kafka, args.scale_out_database, instances, options.replication)
        with county(scaled, f"scale{instances}") as stack:
            await warm_up(stack, args.warm_up, seed=3)
            scale_out.append({"instances": instances, **await episodes(stack, args.scale_episodes, None, seed=9)})
    database = "sqlite" if options.database == "sqlite" else "postgresql"
    return {
        "setup": {
            "kafka": options.kafka,
            "database": database,
            "instances": options.instances,
            "stored": args.stored,
            "stored_how": stored,
        },
        "raw_relay": raw,
        "faststream_relay": faststream,
        "continuum": {"saturated": saturated, "paced": paced},
        "intake_alone": alone,
        "scale_out": scale_out,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--kafka",
        default="127.0.0.1:19092",
        help="broker addresses (host:port,...), or 'cluster': the local three-node cluster (deploy/kafka.sh"
        " cluster-start, started and stopped here unless it already runs), topics replicated three times",
    )
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (each service's file), postgresql (databases of the bench's own on the shared server"
        f" {SHARED_POSTGRES}, dropped afterwards) or the postgresql:// URL of another server to make them on",
    )
    parser.add_argument("--instances", type=int, default=1, help="processes per service (needs --database postgresql)")
    parser.add_argument("--stored", type=int, default=0, help="closed episodes stored before the measurement")
    parser.add_argument(
        "--stored-through",
        type=int,
        default=500,
        help="of --stored, how many go through the services (the rest:"
        " copies of their rows with fresh ids, see bench/stored.py)",
    )
    parser.add_argument("--messages", type=int, default=20000, help="records through the raw relay, (a)")
    parser.add_argument(
        "--faststream-messages", type=int, default=5000, help="records through the FastStream relay, (b)"
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=40,
        help="episodes posted and closed untimed before (c) and each (f) run, so that they measure the steady state",
    )
    parser.add_argument("--episodes", type=int, default=200, help="episodes posted at once, (c) saturated")
    parser.add_argument("--rates", type=float, nargs="+", default=[4.0, 20.0], help="contacts/s of (c) paced")
    parser.add_argument("--paced-seconds", type=float, default=10.0, help="how long each paced run posts")
    parser.add_argument("--contacts", type=int, default=1000, help="contacts posted in (d) intake alone")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients in (d) intake alone")
    parser.add_argument(
        "--scale-out",
        type=int,
        nargs="*",
        default=[1, 2],
        help="instances per service of each (f) run, on PostgreSQL; none: skip (f)",
    )
    parser.add_argument("--scale-episodes", type=int, default=200, help="episodes posted at once in each (f) run")
    parser.add_argument(
        "--scale-out-database",
        default=SHARED_POSTGRES,
        help=f"the PostgreSQL server (f) makes its databases on (default {SHARED_POSTGRES}, which make bench starts)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the table")
    parser.add_argument("--verbose", action="store_true", help="say on stderr which section runs")
    args = parser.parse_args(argv)

    database = args.database
    if database == "postgresql":
        database = SHARED_POSTGRES
    elif database != "sqlite" and not database.startswith("postgresql"):
        parser.error("--database is sqlite, postgresql or a postgresql:// URL")
    if args.instances > 1 and database == "sqlite":
        parser.error("--instances above 1 needs --database postgresql: a SQLite file is one instance's")
    started_cluster = False
    if args.kafka == "cluster":
        if not cluster_running():
            _kafka_script("cluster-start")
            started_cluster = True
        options = Options(CLUSTER, database, args.instances, replication=3)
    else:
        options = Options(args.kafka, database, args.instances)

    logging.getLogger("aiokafka").setLevel(logging.ERROR)  # leader elections on new topics retry quietly
    logging.getLogger("continuum_sim").setLevel(logging.ERROR)
    try:
        result = asyncio.run(run(args, options))
    finally:
        if started_cluster:
            _kafka_script("cluster-stop")
    result["ratios"] = ratios(result)
    result["cpu"] = cpu_table(result)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
