"""The report's charts: the pages' figure builders, exported to PNG by kaleido in one batch.

kaleido 1.x drives a Chromium through choreographer. It is pointed at Debian's browser
explicitly (`path=`), never at one it would download (`kaleido.get_chrome()` is never called),
and MathJax is off so that no page asks a CDN for it. All charts of a report go through one
kaleido session: starting the browser is the expensive part (3-4 s per image otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

from components import figures
from components.i18n import fmt_date, t
from reports.content import ReportContent

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; the same browser the browser tests drive
WIDTH_PX, SCALE = 900, 2


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure
    height_px: int


def _print_style(fig: go.Figure, height: int) -> go.Figure:
    # Paper is read, not hovered: a serif-free print font and a little more margin than on screen.
    fig.update_layout(
        height=height,
        width=WIDTH_PX,
        font={"family": "Helvetica, Arial, sans-serif", "size": 13},
        margin={"l": 10, "r": 20, "t": 30, "b": 10},
    )
    return fig


def _date_ticks(fig: go.Figure, periods, lang: str) -> None:
    # The pages name months through a Plotly locale loaded in the browser (assets/); kaleido's
    # page has none, so the report writes its own tick labels in the report's language.
    days = [p.date() for p in periods]
    if not days:
        return
    step = max(1, len(days) // 6)
    ticks = days[::step]
    fig.update_xaxes(tickvals=ticks, ticktext=[fmt_date(d, lang, "d MMM") for d in ticks])


def report_charts(content: ReportContent) -> list[Chart]:
    """The figures of a report, from components.figures like the Statistik page.

    The builders give dicts; go.Figure turns them into figures kaleido exports and the print
    style below updates (and checks every property on the way, which a report can afford).
    """
    lang = content.req.lang

    def chart(key: str, built: dict, height_px: int) -> Chart:
        return Chart(key, t(f"rep.chart.{key}", lang), go.Figure(built), height_px)

    charts = [chart("trend", figures.trend_lines(content.trend, lang), 330)]
    if content.req.scope_kind != "kecamatan":
        charts.append(chart("kecamatan", figures.kecamatan_bars(content.by_kecamatan, lang), 460))
    charts += [
        chart("category", figures.category_bars(content.by_category, lang), 330),
        chart("outcome", figures.outcome_donut(content.outcomes, lang), 250),
        chart("funnel", figures.funnel_chart(content.funnel, lang), 250),
    ]
    for chart in charts:
        _print_style(chart.figure, chart.height_px)
    _date_ticks(charts[0].figure, list(content.trend["period"]), lang)
    return charts


def export_png(charts: list[Chart], folder: Path) -> dict[str, Path]:
    """Write every chart to folder/<key>.png in one kaleido session; returns key -> path."""
    import kaleido

    if not CHROMIUM.exists():
        raise RuntimeError(f"chart export needs Chromium at {CHROMIUM} (apt-get install chromium)")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {c.key: folder / f"{c.key}.png" for c in charts}
    jobs = [
        {
            "fig": c.figure,
            "path": str(paths[c.key]),
            "opts": {"format": "png", "width": WIDTH_PX, "height": c.height_px, "scale": SCALE},
        }
        for c in charts
    ]
    errors = kaleido.write_fig_from_object_sync(
        jobs, kopts={"path": str(CHROMIUM), "mathjax": False, "n": 1}, cancel_on_error=True
    )
    if errors:
        raise RuntimeError(f"chart export failed: {errors!r}")
    missing = [k for k, p in paths.items() if not p.is_file()]
    if missing:
        raise RuntimeError(f"chart export wrote no file for {', '.join(missing)}")
    return paths
