"""One self-contained HTML page of charts: matplotlib draws each chart as SVG, inlined in the page.

No script, no stylesheet or font from elsewhere: the page opens offline. Every chart has a heading, a caption
saying what it shows and its numbers as an HTML table under it, so that the figures read without the image.
Pages hold what the reports hold: counts and codes, never a person.
"""

import html
import io
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

STYLE = {"font.size": 9, "svg.fonttype": "none", "svg.hashsalt": "continuum", "axes.spines.top": False}
STYLE["axes.spines.right"] = False
BLUE, ORANGE, GREY, RED = "#3b6ea5", "#e08a2c", "#9a9a9a", "#c0392b"
CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.6rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f1f1f1; text-align: left; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
.caption { color: #444; }
"""


@dataclass
class Chart:
    """A chart of the page: its heading, a caption, the figure, and its numbers as rows of a table."""

    heading: str
    caption: str
    figure: Figure
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]


def style() -> AbstractContextManager:
    """The pages' style: draw a page's charts inside it (matplotlib reads its settings as it draws)."""
    return matplotlib.rc_context(STYLE)


def figure(width: float = 8.0, height: float = 3.4) -> tuple[Figure, Axes]:
    """A figure with one axes (inches); drawn without pyplot, so no window and no global state."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def cell(value: object) -> str:
    """A table cell as the JSON has it: numbers as written there, no value as a dash."""
    return "–" if value is None else str(value)


def svg(fig: Figure, label: str) -> str:
    """The figure as an inline <svg> element (no XML prolog, no metadata), labelled for screen readers."""
    buffer = io.StringIO()
    with style():
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    start, end = text.find("<metadata>"), text.find("</metadata>")
    if start != -1 and end != -1:
        text = text[:start] + text[end + len("</metadata>") :]
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def _table(chart: Chart) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in chart.columns)
    body = []
    for row in chart.rows:
        first, *rest = row
        cells = "".join(f'<td class="n">{html.escape(cell(v))}</td>' for v in rest)
        body.append(f'<tr><th scope="row">{html.escape(cell(first))}</th>{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, parameters: Sequence[tuple[str, object]], charts: Sequence[Chart], intro: str = "") -> str:
    """The whole page: title, the run's parameters, then each chart with its caption and its table."""
    params = "".join(
        f'<tr><th scope="row">{html.escape(name)}</th><td>{html.escape(cell(value))}</td></tr>'
        for name, value in parameters
    )
    sections = [
        f'<section class="chart"><h2>{html.escape(chart.heading)}</h2>'
        f'<p class="caption">{html.escape(chart.caption)}</p>'
        f"<figure>{svg(chart.figure, chart.heading)}</figure>{_table(chart)}</section>"
        for chart in charts
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{f'<p>{html.escape(intro)}</p>' if intro else ''}"
        f'<h2>Parameters</h2><table class="parameters"><tbody>{params}</tbody></table>'
        f"{''.join(sections)}</body></html>\n"
    )


def write_page(text: str, path: str | Path) -> None:
    Path(path).write_text(text, encoding="utf-8")


def bars(
    ax: Axes,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    ylabel: str,
    counts: bool = True,
) -> None:
    """Grouped vertical bars: one group per label, one bar per series (name, values, colour)."""
    width = 0.8 / len(series)
    for n, (name, values, colour) in enumerate(series):
        positions = [i + (n - (len(series) - 1) / 2) * width for i in range(len(labels))]
        ax.bar(positions, values, width=width, label=name, color=colour)
    turned = sum(map(len, labels)) > 60  # long codes side by side would overlap
    ax.set_xticks(range(len(labels)), labels, rotation=30 if turned else 0, ha="right" if turned else "center")
    ax.set_ylabel(ylabel)
    if counts:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    legend(ax)


def legend(ax: Axes) -> None:
    """The legend above the plot, outside it, so that it never hides a bar."""
    ax.figure.legend(loc="outside upper left", ncols=4, frameon=False)
