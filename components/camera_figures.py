"""Figures of a camera's health: brightness/sharpness/status over 24 h and uptime per day."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.camera_tiles import STATUS_COLORS
from components.figures import TEMPLATE
from components.i18n import WIB, plotly_separators, t

_LAYOUT = {"margin": {"l": 40, "r": 10, "t": 10, "b": 30}, "height": 220, "template": TEMPLATE}


def _empty(lang: str, key: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t(key, lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_layout(**_LAYOUT, xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def health_figure(history: pd.DataFrame, lang: str) -> go.Figure:
    """Brightness and sharpness lines with the status of each check as coloured marks underneath."""
    if history.empty:
        return _empty(lang, "kam.no_checks")
    at = pd.to_datetime(history["at"], utc=True).dt.tz_convert(WIB).dt.tz_localize(None)
    fig = go.Figure()
    fig.add_scatter(x=at, y=history["brightness"], name=t("kam.brightness", lang), mode="lines")
    fig.add_scatter(x=at, y=history["sharpness"], name=t("kam.sharpness", lang), mode="lines", yaxis="y2")
    fig.add_scatter(
        x=at,
        y=[0] * len(at),
        mode="markers",
        name=t("f.status", lang),
        marker={
            "color": [STATUS_COLORS.get(s, "#757575") for s in history["status"]],
            "symbol": "square",
            "size": 8,
        },
        text=[t(f"cam.status.{s}", lang) for s in history["status"]],
        hovertemplate="%{x|%H.%M} WIB · %{text}<extra></extra>",
    )
    fig.update_layout(
        **_LAYOUT,
        separators=plotly_separators(lang),
        legend={"orientation": "h", "y": 1.15},
        yaxis={"title": t("kam.brightness", lang), "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"},
    )
    return fig


def uptime_figure(days: pd.DataFrame, lang: str) -> go.Figure:
    """Uptime % per WIB day; days without checks show no bar."""
    if days.empty or not days["checks"].any():
        return _empty(lang, "kam.no_checks")
    pct = days["pct"]
    colors = [
        "#2e7d32" if p is not None and p >= 95 else "#ef6c00" if p is not None and p >= 80 else "#c62828"
        for p in pct
    ]
    fig = go.Figure(
        go.Bar(x=pd.to_datetime(days["day"]), y=pct, marker_color=colors, name=t("kam.uptime_pct", lang))
    )
    fig.update_layout(
        **_LAYOUT,
        separators=plotly_separators(lang),
        yaxis={"range": [0, 100], "title": t("kam.uptime_pct", lang)},
    )
    return fig
