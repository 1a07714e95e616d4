"""Figures of the Transparansi page, built only from already-suppressed public rows.

The builders never see a raw count: a bar of a "<3" cell is drawn at zero with the label "<3",
and its hover text says "<3", so the exact 1 or 2 cannot be read from the figure's JSON either.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from components.figures import MUTED, PRIMARY, Figure, days, empty, figure, trend_traces
from components.i18n import fmt_int, fmt_num, fmt_pct, t

SUPPRESSED = "<3"  # the same mark as store.public.SUPPRESSED; components do not import the store
ROW_PX = 24


def count_text(value: Any, lang: str) -> str:
    """A published count as text: "<3" as is, numbers with the language's separators."""
    if value is None:
        return "–"
    return SUPPRESSED if value == SUPPRESSED else fmt_int(value, lang)


def days_text(value: float | None, lang: str) -> str:
    return "–" if value is None else t("tr.days", lang, n=fmt_num(value, lang))


def public_bars(rows: list[dict[str, Any]], lang: str, top: int | None = None) -> Figure:
    """Horizontal bars of complaints per row, largest on top; "<3" rows labelled, drawn at zero."""
    if not rows:
        return empty(lang, 200)
    shown = rows[:top] if top else rows
    # Plotly draws the first category at the bottom: reverse so the largest is on top.
    ordered = list(reversed(shown))
    hover = [
        f"<b>{r['name']}</b><br>{t('tr.col.complaints', lang)}: {count_text(r['complaints'], lang)}"
        f"<br>{t('tr.col.resolved_pct', lang)}: {fmt_pct(r['resolved_pct'], lang)}"
        f"<br>{t('tr.col.sla_pct', lang)}: {fmt_pct(r['sla_pct'], lang)}"
        for r in ordered
    ]
    bars = {
        "type": "bar",
        "x": [0 if r["complaints"] == SUPPRESSED else r["complaints"] for r in ordered],
        "y": [r["name"] for r in ordered],
        "orientation": "h",
        "marker": {"color": [MUTED if r["complaints"] == SUPPRESSED else PRIMARY for r in ordered]},
        "text": [count_text(r["complaints"], lang) for r in ordered],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": hover,
        "hoverinfo": "text",
    }
    return figure(
        [bars],
        lang,
        max(160, ROW_PX * len(ordered) + 30),
        margin={"l": 10, "r": 40, "t": 5, "b": 5},
        xaxis={"rangemode": "tozero", "showticklabels": False, "showgrid": False},
        yaxis={"automargin": True},
    )


def public_trend_figure(frame: pd.DataFrame, lang: str) -> Figure:
    """Complaints and resolved per week; suppressed weeks are gaps marked "<3" on the axis."""
    total = sum(v for v in frame["complaints"] if v is not None and not pd.isna(v))
    if frame.empty or (total == 0 and not frame["suppressed"].any()):
        return empty(lang)
    names = {col: t(f"tr.series.{col}", lang) for col in ("complaints", "resolved")}
    data = trend_traces(frame, names, mode="lines+markers", marker={"size": 5}, connectgaps=False)
    small = frame[frame["suppressed"]]
    if not small.empty:
        data.append(
            {
                "type": "scatter",
                "x": days(small["period"]),
                "y": [0] * len(small),
                "name": t("tr.series.suppressed", lang),
                "mode": "markers+text",
                "text": [SUPPRESSED] * len(small),
                "textposition": "top center",
                "marker": {"color": MUTED, "size": 7, "symbol": "diamond"},
                "hovertemplate": SUPPRESSED + "<extra></extra>",
            }
        )
    return figure(
        data,
        lang,
        300,
        yaxis={"rangemode": "tozero"},
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0},
        hovermode="x unified",
    )
