"""Plotly figure builders shared by the pages and (later) the PDF reports."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from components.i18n import plotly_separators, t

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
# The look of Plotly's "plotly_white" (its layout part; our traces set their own colours) as a
# template of a few keys: plotly_white carries defaults for every trace type, and copying it into
# each figure cost ~20 ms of CPU per figure, most of a Statistik callback's 8 figures. Registering
# it is an in-memory dict assignment, no I/O.
TEMPLATE = "lawangjabo"
pio.templates[TEMPLATE] = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"color": "#2a3f5f"},
        "colorway": PALETTE,
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
)


def graph_config(lang: str) -> dict:
    """dcc.Graph config: no Plotly logo; date axes in the page language (assets/plotly-locale-id.js)."""
    return {"displaylogo": False, "locale": "id" if lang == "id" else "en"}


def _base(fig: go.Figure, lang: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        separators=plotly_separators(lang),
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
        showlegend=False,
    )
    return fig


def empty(lang: str, height: int = 320) -> go.Figure:
    """A blank figure that says there is nothing to show (never an error)."""
    fig = go.Figure()
    fig.add_annotation(text=t("stat.empty", lang), showarrow=False, font={"color": MUTED, "size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, lang, height)


def kecamatan_bars(frame: pd.DataFrame, lang: str, selected: tuple[str, ...] = ()) -> go.Figure:
    """Horizontal bars of complaints per kecamatan; customdata carries the code for clicks."""
    if frame.empty:
        return empty(lang, 460)
    df = frame.sort_values("complaints")
    colors = [PRIMARY if not selected or k in selected else MUTED for k in df["key"]]
    fig = go.Figure(
        go.Bar(
            x=df["complaints"],
            y=df["name"],
            orientation="h",
            marker_color=colors,
            customdata=df[["key", "resolved_pct", "sla_pct"]].to_numpy(),
            hovertemplate="<b>%{y}</b><br>"
            + t("col.complaints", lang)
            + ": %{x:,}<br>"
            + t("col.resolved_pct", lang)
            + ": %{customdata[1]:.1f}<br>"
            + t("col.sla_pct", lang)
            + ": %{customdata[2]:.1f}<extra></extra>",
        )
    )
    fig.update_yaxes(automargin=True)
    return _base(fig, lang, 460)


def trend_lines(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Complaints received and resolved per day or week."""
    if frame.empty or frame["complaints"].sum() == 0:
        return empty(lang)
    fig = go.Figure()
    fig.add_scatter(
        x=frame["period"],
        y=frame["complaints"],
        name=t("col.complaints", lang),
        mode="lines",
        line={"color": PRIMARY, "width": 2},
    )
    fig.add_scatter(
        x=frame["period"],
        y=frame["resolved"],
        name=t("col.resolved", lang),
        mode="lines",
        line={"color": GOOD, "width": 2, "dash": "dot"},
    )
    _base(fig, lang)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.08, "x": 0}, hovermode="x unified")
    return fig


def category_bars(frame: pd.DataFrame, lang: str, top: int = 12) -> go.Figure:
    """Horizontal bars of the largest groups (category, agency, channel)."""
    if frame.empty:
        return empty(lang)
    df = frame.nlargest(top, "complaints").sort_values("complaints")
    fig = go.Figure(
        go.Bar(
            x=df["complaints"],
            y=df["name"],
            orientation="h",
            marker_color=PRIMARY,
            hovertemplate="<b>%{y}</b>: %{x:,}<extra></extra>",
        )
    )
    fig.update_yaxes(automargin=True)
    return _base(fig, lang)


def distribution_bars(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Resolved complaints by days-to-resolve band."""
    if frame.empty or frame["complaints"].sum() == 0:
        return empty(lang)
    fig = go.Figure(
        go.Bar(
            x=frame["band_days"],
            y=frame["complaints"],
            marker_color=PRIMARY,
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    return _base(fig, lang)


def funnel_chart(frame: pd.DataFrame, lang: str) -> go.Figure:
    """The LAPOR! stages reached by the period's complaints."""
    if frame.empty or frame["complaints"].iloc[0] == 0:
        return empty(lang)
    labels = [t(f"stage.{s}", lang) for s in frame["stage"]]
    fig = go.Figure(
        go.Funnel(y=labels, x=frame["complaints"], marker_color=PRIMARY, textinfo="value+percent initial")
    )
    return _base(fig, lang)


def outcome_donut(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Outcomes, so that "closed" is never read as "fixed"."""
    if frame.empty:
        return empty(lang)
    colors = {
        "selesai": GOOD,
        "belum_selesai": MUTED,
        "bukan_wewenang": "#e69138",
        "dikembalikan": "#bf9000",
        "ditolak": BAD,
    }
    fig = go.Figure(
        go.Pie(
            labels=[t(f"outcome.{o}", lang) for o in frame["outcome"]],
            values=frame["complaints"],
            hole=0.55,
            marker={"colors": [colors.get(o, PRIMARY) for o in frame["outcome"]]},
            sort=False,
            textinfo="percent",
        )
    )
    _base(fig, lang)
    fig.update_layout(showlegend=True, legend={"orientation": "v", "x": 1.0, "y": 0.5})
    return fig
