"""The day's outcome report rendered for the console, as a county would read it."""

from rich.columns import Columns
from rich.console import Console
from rich.table import Table


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
    if replay := report.get("replay"):
        not_sent = ", ".join(f"{n} {response}" for response, n in replay["not_sent_by_response"].items()) or "none"
        console.print(
            f"[bold]Replayed {replay['date']}[/] of {replay['mapping']}: {replay['calls']} calls, "
            f"{replay['sent_to_continuum']} sent to Continuum as 911 transfers, not sent: {not_sent}; the day's "
            f"police hours {replay['police_hours']}, of the calls sent {replay['police_hours_of_calls_sent']} "
            f"({replay['sent_without_police_time']} sent without a police time); location {replay['location']}"
        )
