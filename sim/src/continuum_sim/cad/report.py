"""The terminal report: totals, then calls by call type, hour of day and district; figures from ``figures()``."""

from rich.console import Console
from rich.table import Table

POLICE_TIME = {
    "dispatch_to_clear": "from dispatch to clear (a call's police time, not per unit)",
    "on_scene": "time on scene, from arrival to clear (a call's police time, not per unit)",
}


def _share(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _table(title: str, first: str, rows: list[dict], key: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first, no_wrap=True)
    for column in ("calls", "to alt.", "share", "police h", "saved h"):
        table.add_column(column, justify="right")
    for row in rows:
        name = row[key]
        table.add_row(
            "unknown" if name is None else str(name),
            str(row["calls"]),
            str(row["to_alternative"]),
            _share(row["share"]),
            f"{row['police_hours']:.1f}",
            f"{row['police_hours_saved']:.1f}",
        )
    return table


def render(report: dict, console: Console) -> None:
    totals = report["totals"]
    console.print(f"[bold]Calls for service: {report['mapping']}[/bold]")
    console.print(f"Police time: {POLICE_TIME[report['police_time']]}.")
    console.print(f"Alternative responses: {', '.join(report['alternatives'])}.")
    summary = Table(title="Totals", title_justify="left", show_header=False)
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_row("calls", str(totals["calls"]))
    summary.add_row("of a crisis call type", str(totals["crisis_call_types"]))
    summary.add_row("to an alternative response", f"{totals['to_alternative']} ({_share(totals['share'])})")
    summary.add_row("police hours, all calls", f"{totals['police_hours']:.1f}")
    summary.add_row("police hours saved", f"{totals['police_hours_saved']:.1f}")
    summary.add_row("to alternative, no police time in the export", str(totals["alternative_without_police_time"]))
    for response, calls in totals["by_response"].items():
        summary.add_row(f"response: {response}", str(calls))
    summary.add_row("rows with problems", str(report["problems"]["rows"]))
    console.print(summary)
    console.print("to alt.: calls to an alternative response; saved h: their police hours")
    kinds = "By call type (Continuum's; OTHER: not a crisis call type)"
    console.print(_table(kinds, "call type", report["by_call_type"], "call_type"))
    console.print(_table("By hour received", "hour", report["by_hour"], "hour"))
    console.print(_table("By district", "district", report["by_district"], "district"))
    rules = Table(title="By rule (first match decides)", title_justify="left")
    rules.add_column("rule")
    rules.add_column("calls", justify="right")
    for rule, calls in totals["by_rule"].items():
        rules.add_row(rule, str(calls))
    console.print(rules)
    problems = report["problems"]
    if problems["count"]:
        console.print(f"[yellow]{problems['count']} problems in {problems['rows']} rows[/yellow] (first listed):")
        for problem in problems["listed"][:20]:
            where = f", column {problem['column']!r}" if problem["column"] else ""
            console.print(f"  line {problem['line']}{where}: {problem['problem']}")
