"""Figures of a camera's health: brightness/sharpness/status over 24 h and uptime per day.

Plain dicts like components/figures.py (go.Figure validation costs ~20 ms a figure).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from components import figures
from components.camera_tiles import STATUS_COLORS
from components.figures import TEMPLATE, Figure, values
from components.i18n import WIB, plotly_separators, t

_LAYOUT = {"margin": {"l": 40, "r": 10, "t": 10, "b": 30}, "height": 220, "template": TEMPLATE}


def _figure(data: list[dict[str, Any]], lang: str, **extra: Any) -> Figure:
    return {"data": data, "layout": {**_LAYOUT, "separators": plotly_separators(lang), **extra}}


def _empty(lang: str, key: str) -> Figure:
    note = {"text": t(key, lang), "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}
    return _figure([], lang, annotations=[note], xaxis={"visible": False}, yaxis={"visible": False})


def health_figure(history: pd.DataFrame, lang: str) -> Figure:
    """Brightness and sharpness lines with the status of each check as coloured marks underneath."""
    if history.empty:
        return _empty(lang, "kam.no_checks")
    at = pd.to_datetime(history["at"], utc=True).dt.tz_convert(WIB).dt.strftime("%Y-%m-%d %H:%M:%S").tolist()
    data = [
        {"type": "scatter", "x": at, "y": values(history["brightness"]), "name": t("kam.brightness", lang),
         "mode": "lines"},
        {"type": "scatter", "x": at, "y": values(history["sharpness"]), "name": t("kam.sharpness", lang),
         "mode": "lines", "yaxis": "y2"},
        {
            "type": "scatter",
            "x": at,
            "y": [0] * len(at),
            "mode": "markers",
            "name": t("f.status", lang),
            "marker": {
                "color": [STATUS_COLORS.get(s, "#757575") for s in history["status"]],
                "symbol": "square",
                "size": 8,
            },
            "text": [t(f"cam.status.{s}", lang) for s in history["status"]],
            "hovertemplate": "%{x|%H.%M} WIB · %{text}<extra></extra>",
        },
    ]  # fmt: skip
    return _figure(
        data,
        lang,
        legend={"orientation": "h", "y": 1.15},
        yaxis={"title": {"text": t("kam.brightness", lang)}, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"},
    )


def uptime_figure(days: pd.DataFrame, lang: str) -> Figure:
    """Uptime % per WIB day; days without checks show no bar."""
    if days.empty or not days["checks"].any():
        return _empty(lang, "kam.no_checks")
    pct = values(days["pct"])
    colors = [
        "#2e7d32" if p is not None and p >= 95 else "#ef6c00" if p is not None and p >= 80 else "#c62828"
        for p in pct
    ]
    bars = {
        "type": "bar",
        "x": figures.days(pd.to_datetime(days["day"])),
        "y": pct,
        "marker": {"color": colors},
        "name": t("kam.uptime_pct", lang),
    }
    return _figure([bars], lang, yaxis={"range": [0, 100], "title": {"text": t("kam.uptime_pct", lang)}})
