"""The day's outcome report as one HTML page of charts (``continuum-day --html PATH``), from the report dict
that ``outcome_report`` builds and ``--json`` writes: contacts per hour against teams on shift, response times
against each area's target, deflection by call type and episodes by closure reason."""

from matplotlib.ticker import MaxNLocator

from continuum_sim.charts import BLUE, GREY, ORANGE, RED, Chart, bars, figure, legend, page, style

AREAS = {"central": "central (urban)", "outer": "outer (rural)", "unknown": "no location given"}


def _hours_chart(by_hour: list[dict]) -> Chart:
    labels = [f"{row['hour']:02d}" for row in by_hour]
    fig, ax = figure()
    ax.bar(labels, [row["contacts"] for row in by_hour], color=BLUE, label="contacts posted")
    ax.set_xlabel("hour of the simulated day")
    ax.set_ylabel("contacts")
    teams = ax.twinx()
    teams.step(labels, [row["teams_on_shift"] for row in by_hour], where="mid", color=ORANGE, label="teams on shift")
    teams.set_ylabel("teams the day added, on shift")
    teams.set_ylim(0, max([row["teams_on_shift"] for row in by_hour] + [1]) + 1)
    teams.spines["right"].set_visible(True)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    teams.yaxis.set_major_locator(MaxNLocator(integer=True))
    legend(ax)
    return Chart(
        "Contacts per hour and teams on shift",
        "Contacts the partner systems posted in each hour of the simulated day, and the mobile teams the day "
        "added to dispatch's roster that are on shift at the hour's start. Both come from the day's plan "
        "(its arrivals and roster), not from the topic; dispatch's seeded teams, on duty around the clock, "
        "are not counted.",
        fig,
        ["hour", "contacts", "teams on shift"],
        [[label, row["contacts"], row["teams_on_shift"]] for label, row in zip(labels, by_hour, strict=True)],
    )


def _times_chart(times: dict) -> Chart:
    areas = list(times)
    labels = [AREAS.get(area, area) for area in areas]
    fig, ax = figure(height=3.0)
    series = [("p50", [times[a]["p50_minutes"] or 0 for a in areas], BLUE)]
    series.append(("p90", [times[a]["p90_minutes"] or 0 for a in areas], GREY))
    for n, area in enumerate(areas):
        if times[area]["target_minutes"] is not None:
            label = "area's target" if n == 0 else None
            ax.hlines(times[area]["target_minutes"], n - 0.45, n + 0.45, colors=RED, linestyles="dashed", label=label)
    bars(ax, labels, series, ylabel="minutes", counts=False)
    keys = ("target_minutes", "arrived", "p50_minutes", "p90_minutes", "late", "not_arrived")
    return Chart(
        "Response times against the area's target",
        "Crisis-team responses (mobile team, co-response) by response area: minutes from the first assignment "
        "to the team on scene (a replacement team carries the clock on), median and 90th percentile, against "
        "the target minutes dispatch gave the response for its area (dashed); late: arrived after the target.",
        fig,
        ["area", "target (min)", "arrived", "p50 (min)", "p90 (min)", "late", "not arrived"],
        [[label, *(times[area][k] for k in keys)] for label, area in zip(labels, areas, strict=True)],
    )


def _deflection_chart(deflection: dict) -> Chart:
    rows = deflection["by_call_type"]
    labels = [row["call_type"] for row in rows]
    fig, ax = figure()
    series = [("eligible 911/311 calls", [r["eligible"] for r in rows], GREY)]
    series.append(("answered without police", [r["deflected"] for r in rows], BLUE))
    bars(ax, labels, series, ylabel="calls")
    return Chart(
        "Deflection by call type",
        f"911 and 311 contacts of a call type a crisis team can answer, by call type, and how many were answered "
        f"without police (law-enforcement deflection): {deflection['deflected']} of {deflection['eligible']} "
        f"in all.",
        fig,
        ["call type", "eligible", "answered without police"],
        [[label, r["eligible"], r["deflected"]] for label, r in zip(labels, rows, strict=True)],
    )


def _episodes_chart(episodes: dict) -> Chart:
    rows = [*episodes["closed_by_reason"].items(), ("still open", episodes["still_open"])]
    fig, ax = figure(height=0.9 + 0.35 * len(rows))
    ax.barh([r for r, _ in rows], [n for _, n in rows], color=[BLUE] * (len(rows) - 1) + [ORANGE])
    ax.invert_yaxis()
    ax.set_xlabel("episodes")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return Chart(
        "Episodes by closure reason",
        f"The day's {episodes['opened']} episodes by the reason intake closed them, and those still open when "
        f"the day ended.",
        fig,
        ["closure reason", "episodes"],
        [list(row) for row in rows],
    )


def _parameters(report: dict) -> list[tuple[str, object]]:
    window = report.get("window") or {}
    if not window:
        return [("run", "no window recorded")]
    parameters: list[tuple[str, object]] = [
        ("contacts", window.get("contacts")),
        ("seed", window.get("seed")),
        ("day (simulated)", f"{str(window['day_start'])[:16]} to {str(window['day_end'])[:16]}"),
        ("follow-up until (simulated)", str(window["ended"])[:16]),
        ("simulated hours", window.get("simulated_hours")),
        ("wall seconds", window.get("wall_seconds")),
    ]
    return parameters + [(f"setting: {k}", v) for k, v in dict(window.get("settings") or {}).items()]


def day_page(report: dict) -> str:
    """The page for one day's report; a chart whose figures the report lacks (an older --json) is left out."""
    with style():
        charts = []
        if report.get("by_hour"):
            charts.append(_hours_chart(report["by_hour"]))
        if report["response_times"]:
            charts.append(_times_chart(report["response_times"]))
        if "by_call_type" in report["deflection"]:
            charts.append(_deflection_chart(report["deflection"]))
        charts.append(_episodes_chart(report["episodes"]))
    return page(
        "A day of crisis traffic: outcomes",
        _parameters(report),
        charts,
        "A synthetic day through Continuum (invented people only): counts and codes, as the county would report.",
    )
