"""Plotly figures of the pages and the PDF reports, built as plain dicts.

Why dicts and not plotly.graph_objects: Dash sends a figure as JSON either way, and building a
go.Figure validates every property on the way in. That cost ~20 ms of CPU per figure, an empty
one included (timed per builder on this machine), so most of a
Statistik callback's eight figures; a dict costs well under a millisecond. The property names are
checked once, by the tests: each builder's output goes through go.Figure there (see
tests/unit/test_figures.py), and the reports wrap the dicts in go.Figure for kaleido.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from components.i18n import plotly_separators, t

Figure = dict[str, Any]

PRIMARY = "#0b5394"
GOOD = "#2e7d32"
BAD = "#c62828"
MUTED = "#9e9e9e"
PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#cc0000", "#674ea7", "#45818e", "#bf9000", "#a64d79"]

_GRID = "#EBF0F8"
_AXIS = {
    "gridcolor": _GRID,
    "linecolor": _GRID,
    "zerolinecolor": _GRID,
    "zerolinewidth": 2,
    "ticks": "",
    "automargin": True,
    "title": {"standoff": 15},
}
# The look of Plotly's "plotly_white" (its layout part; our traces set their own colours) in a
# few keys, sent inside each figure: plotly_white itself carries defaults for every trace type.
TEMPLATE: dict[str, Any] = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"color": "#2a3f5f"},
        "colorway": PALETTE,
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def graph_config(lang: str) -> dict:
    """dcc.Graph config: no Plotly logo; date axes in the page language (assets/plotly-locale-id.js)."""
    return {"displaylogo": False, "locale": "id" if lang == "id" else "en"}


def layout(lang: str, height: int = 320, **extra: Any) -> dict[str, Any]:
    """The layout every figure starts from; `extra` keys are set on top (whole values, not merged)."""
    return {
        "template": TEMPLATE,
        "separators": plotly_separators(lang),
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": FONT,
        "showlegend": False,
        **extra,
    }


def figure(data: list[dict[str, Any]], lang: str, height: int = 320, **extra: Any) -> Figure:
    return {"data": data, "layout": layout(lang, height, **extra)}


def values(column: pd.Series) -> list:
    """A column as a JSON-ready list (Python numbers; NaN and None as null)."""
    return [None if v is None or v != v else v for v in column.tolist()]


def days(column: pd.Series) -> list[str]:
    """Dates (midnight timestamps) as ISO text, which Plotly reads as a date axis."""
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in column]


def empty(lang: str, height: int = 320) -> Figure:
    """A blank figure that says there is nothing to show (never an error)."""
    note = {"text": t("stat.empty", lang), "showarrow": False, "font": {"color": MUTED, "size": 14}}
    return figure([], lang, height, annotations=[note], xaxis={"visible": False}, yaxis={"visible": False})


def _hbars(df: pd.DataFrame, color: Any, hovertemplate: str, **trace: Any) -> dict[str, Any]:
    return {
        "type": "bar",
        "x": values(df["complaints"]),
        "y": values(df["name"]),
        "orientation": "h",
        "marker": {"color": color},
        "hovertemplate": hovertemplate,
        **trace,
    }


def kecamatan_bars(frame: pd.DataFrame, lang: str, selected: tuple[str, ...] = ()) -> Figure:
    """Horizontal bars of complaints per kecamatan; customdata carries the code for clicks."""
    if frame.empty:
        return empty(lang, 460)
    df = frame.sort_values("complaints")
    colors = [PRIMARY if not selected or k in selected else MUTED for k in df["key"]]
    custom = [
        list(row) for row in zip(df["key"], values(df["resolved_pct"]), values(df["sla_pct"]), strict=True)
    ]
    hover = (
        "<b>%{y}</b><br>"
        + t("col.complaints", lang)
        + ": %{x:,}<br>"
        + t("col.resolved_pct", lang)
        + ": %{customdata[1]:.1f}<br>"
        + t("col.sla_pct", lang)
        + ": %{customdata[2]:.1f}<extra></extra>"
    )
    return figure([_hbars(df, colors, hover, customdata=custom)], lang, 460)


def trend_traces(frame: pd.DataFrame, names: dict[str, str], **trace: Any) -> list[dict[str, Any]]:
    """Complaints (solid) and resolved (dotted) lines per period; `trace` adds to both."""
    x = days(frame["period"])
    return [
        {
            "type": "scatter",
            "x": x,
            "y": values(frame[col]),
            "name": names[col],
            "line": {"color": color, "width": 2, "dash": dash},
            **trace,
        }
        for col, color, dash in (("complaints", PRIMARY, "solid"), ("resolved", GOOD, "dot"))
    ]


def trend_lines(frame: pd.DataFrame, lang: str) -> Figure:
    """Complaints received and resolved per day or week."""
    if frame.empty or frame["complaints"].sum() == 0:
        return empty(lang)
    names = {col: t(f"col.{col}", lang) for col in ("complaints", "resolved")}
    legend = {"orientation": "h", "y": 1.08, "x": 0}
    return figure(
        trend_traces(frame, names, mode="lines"), lang, showlegend=True, legend=legend, hovermode="x unified"
    )


def category_bars(frame: pd.DataFrame, lang: str, top: int = 12) -> Figure:
    """Horizontal bars of the largest groups (category, agency, channel)."""
    if frame.empty:
        return empty(lang)
    df = frame.nlargest(top, "complaints").sort_values("complaints")
    return figure([_hbars(df, PRIMARY, "<b>%{y}</b>: %{x:,}<extra></extra>")], lang)


def distribution_bars(frame: pd.DataFrame, lang: str) -> Figure:
    """Resolved complaints by days-to-resolve band."""
    if frame.empty or frame["complaints"].sum() == 0:
        return empty(lang)
    bars = {
        "type": "bar",
        "x": values(frame["band_days"]),
        "y": values(frame["complaints"]),
        "marker": {"color": PRIMARY},
        "hovertemplate": "%{x}: %{y:,}<extra></extra>",
    }
    return figure([bars], lang, xaxis={"type": "category"})


def funnel_chart(frame: pd.DataFrame, lang: str) -> Figure:
    """The LAPOR! stages reached by the period's complaints."""
    if frame.empty or frame["complaints"].iloc[0] == 0:
        return empty(lang)
    funnel = {
        "type": "funnel",
        "y": [t(f"stage.{s}", lang) for s in frame["stage"]],
        "x": values(frame["complaints"]),
        "marker": {"color": PRIMARY},
        "textinfo": "value+percent initial",
    }
    return figure([funnel], lang)


_OUTCOME_COLORS = {
    "selesai": GOOD,
    "belum_selesai": MUTED,
    "bukan_wewenang": "#e69138",
    "dikembalikan": "#bf9000",
    "ditolak": BAD,
}


def outcome_donut(frame: pd.DataFrame, lang: str) -> Figure:
    """Outcomes, so that "closed" is never read as "fixed"."""
    if frame.empty:
        return empty(lang)
    pie = {
        "type": "pie",
        "labels": [t(f"outcome.{o}", lang) for o in frame["outcome"]],
        "values": values(frame["complaints"]),
        "hole": 0.55,
        "marker": {"colors": [_OUTCOME_COLORS.get(o, PRIMARY) for o in frame["outcome"]]},
        "sort": False,
        "textinfo": "percent",
    }
    legend = {"orientation": "v", "x": 1.0, "y": 0.5}
    return figure([pie], lang, showlegend=True, legend=legend)
