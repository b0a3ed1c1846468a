"""The CAD analysis as one HTML page of charts (``continuum-cad analyze ... --html PATH``), from ``figures()``.

Calls per hour (all and to an alternative), calls to an alternative by call type and by district, and the
police hours the alternatives would save by call type; each chart's table holds the --json figures."""

from continuum_sim.cad.report import POLICE_TIME
from continuum_sim.charts import BLUE, GREY, ORANGE, Chart, bars, figure, legend, page, style


def _hour(hour: int | None) -> str:
    return "unknown" if hour is None else f"{hour:02d}"


def _share_chart(heading: str, caption: str, key: str, first: str, rows: list[dict], *, hour: bool = False) -> Chart:
    labels = [_hour(r[key]) if hour else str(r[key]) for r in rows]
    fig, ax = figure()
    if hour:  # the day's shape: all calls, and those to an alternative in front of them
        ax.bar(labels, [r["calls"] for r in rows], color=GREY, label="all calls")
        ax.bar(labels, [r["to_alternative"] for r in rows], color=BLUE, width=0.5, label="to an alternative response")
        ax.set_xlabel("hour received")
        ax.set_ylabel("calls")
        legend(ax)
    else:
        series = [("all calls", [r["calls"] for r in rows], GREY)]
        series.append(("to an alternative response", [r["to_alternative"] for r in rows], BLUE))
        bars(ax, labels, series, ylabel="calls")
    table = [[label, r["calls"], r["to_alternative"], r["share"]] for label, r in zip(labels, rows, strict=True)]
    return Chart(heading, caption, fig, [first, "calls", "to an alternative", "share"], table)


def _hours_chart(rows: list[dict]) -> Chart:
    labels = [r["call_type"] for r in rows]
    fig, ax = figure()
    series = [("police hours, all calls", [r["police_hours"] for r in rows], GREY)]
    series.append(("police hours saved", [r["police_hours_saved"] for r in rows], ORANGE))
    bars(ax, labels, series, ylabel="hours", counts=False)
    return Chart(
        "Police hours saved by call type",
        "The police hours the export records for each call type, and the hours of the calls the county's rules "
        "would send to an alternative response instead (hours the police would not spend).",
        fig,
        ["call type", "police hours", "police hours saved"],
        [[label, r["police_hours"], r["police_hours_saved"]] for label, r in zip(labels, rows, strict=True)],
    )


def cad_page(report: dict, csv_name: str) -> str:
    """The page for one analysis: ``report`` is what ``figures()`` returns (and --json writes)."""
    totals = report["totals"]
    parameters = [
        ("calls-for-service export", csv_name),
        ("county mapping", report["mapping"]),
        ("police time", POLICE_TIME[report["police_time"]]),
        ("alternative responses", ", ".join(report["alternatives"])),
        ("calls", totals["calls"]),
        ("of a crisis call type", totals["crisis_call_types"]),
        ("to an alternative response", totals["to_alternative"]),
        ("share", totals["share"]),
        ("police hours, all calls", totals["police_hours"]),
        ("police hours saved", totals["police_hours_saved"]),
        ("rows with problems", report["problems"]["rows"]),
    ]
    with style():
        charts = [
            _share_chart(
                "Calls per hour",
                "Calls by the hour they were received: all calls, and those the county's rules would send to an "
                "alternative response (a mobile crisis team, a peer, 988).",
                "hour",
                "hour",
                report["by_hour"],
                hour=True,
            ),
            _share_chart(
                "Deflection by call type",
                "Calls of each of Continuum's call types (OTHER: a city call type that is not a crisis call), and "
                "how many the rules would send to an alternative response instead of police.",
                "call_type",
                "call type",
                report["by_call_type"],
            ),
            _share_chart(
                "Deflection by district",
                "Calls by police district, and how many would go to an alternative response ((rare): districts "
                "of fewer than three calls, merged; (none): no district in the export).",
                "district",
                "district",
                report["by_district"],
            ),
            _hours_chart(report["by_call_type"]),
        ]
    return page(
        f"Calls for service: {report['mapping']}",
        parameters,
        charts,
        "What the county's rules would do with the city's calls for service: counts and codes only.",
    )
