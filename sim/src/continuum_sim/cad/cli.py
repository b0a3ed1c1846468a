"""continuum-cad: what the county's rules would do with a city's calls-for-service export.

  continuum-cad analyze CALLS.csv --mapping COUNTY.yaml [--json PATH|-] [--html PATH]
  continuum-cad replay CALLS.csv --mapping COUNTY.yaml --date YYYY-MM-DD [continuum-day's options]

Exit status 2, with one line on stderr, when the mapping or the CSV's header is refused (before any row is
read), or the replay's date has no calls (before anything starts); a row with an unparseable time is counted
and reported, not fatal.
"""

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from rich.console import Console

from continuum_sim.cad.analysis import analyze, figures
from continuum_sim.cad.mapping import Refused, load_mapping
from continuum_sim.cad.reading import Problem, read_calls
from continuum_sim.cad.replay import plan
from continuum_sim.cad.report import render
from continuum_sim.day import add_run_options, play


def run_analyze(csv_path: Path, mapping_path: Path) -> dict:
    mapping = load_mapping(mapping_path)
    problems: list[Problem] = []
    result = analyze(read_calls(csv_path, mapping, problems), mapping, problems)
    return figures(result, mapping, problems)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="continuum-cad", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="calls an alternative response could take, and police time")
    analyze_parser.add_argument("csv", type=Path, help="the city's calls-for-service export (CSV with a header)")
    analyze_parser.add_argument("--mapping", type=Path, required=True, help="the county mapping file (YAML)")
    analyze_parser.add_argument("--json", default=None, help="write the figures as JSON to this path ('-': stdout)")
    analyze_parser.add_argument(
        "--html",
        default=None,
        help="also write one self-contained HTML page of charts (calls per hour, by call type, by district, police "
        "hours saved; each with its table of figures) to this path; it needs no network to view",
    )
    replay_parser = commands.add_parser("replay", help="a day of the calls through the running services, reported")
    replay_parser.add_argument("csv", type=Path, help="the city's calls-for-service export (CSV with a header)")
    replay_parser.add_argument("--mapping", type=Path, required=True, help="the county mapping file (YAML)")
    replay_parser.add_argument("--date", type=date.fromisoformat, required=True, help="the day to replay")
    add_run_options(replay_parser)
    replay_parser.set_defaults(contacts=0, returning_share=0.0)
    args = parser.parse_args(argv)
    if args.command == "replay":
        try:
            given = plan(args.csv, args.mapping, args.date, args.seed)
        except Refused as refusal:
            print(f"continuum-cad: refused: {refusal}", file=sys.stderr)
            sys.exit(2)
        play(args, given)
    try:
        report = run_analyze(args.csv, args.mapping)
    except Refused as refusal:
        print(f"continuum-cad: refused: {refusal}", file=sys.stderr)
        sys.exit(2)
    if args.html:
        from continuum_sim.cad.page import cad_page  # matplotlib is imported only for a page
        from continuum_sim.charts import write_page

        write_page(cad_page(report, args.csv.name), args.html)
    if args.json == "-":
        print(json.dumps(report, indent=2))
        return
    render(report, Console())
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    if args.html:
        print(f"charts written to {args.html}")


if __name__ == "__main__":
    main()
