"""KPI cards and the "perlu perhatian" list."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_hours, fmt_int, fmt_num, fmt_pct, t


def delta_badge(delta: float | None, kind: str, lang: str, higher_is_better: bool) -> html.Span:
    """ "▲ 3,2 poin" in green when the change is good, red when bad, grey without a comparison."""
    if delta is None:
        return html.Span(t("kpi.delta.none", lang), className="kpi-delta text-muted")
    if delta == 0:
        return html.Span("= 0", className="kpi-delta text-muted")
    arrow = "▲" if delta > 0 else "▼"
    good = (delta > 0) == higher_is_better
    if kind == "pct":
        text = f"{arrow} {fmt_num(abs(delta), lang)} {t('kpi.pts', lang)}"
    elif kind == "hours":
        text = f"{arrow} {fmt_hours(abs(delta), lang)}"
    else:
        text = f"{arrow} {fmt_int(abs(delta), lang)}"
    return html.Span(text, className=f"kpi-delta {'text-success' if good else 'text-danger'}")


KPI_SPECS = (
    # key, value kind, higher is better
    ("complaints", "int", False),
    ("resolved_pct", "pct", True),
    ("median_hours", "hours", False),
    ("sla_pct", "pct", True),
    ("open_beyond_sla", "int", False),
)


def _value(value: float | None, kind: str, lang: str) -> str:
    if kind == "pct":
        return fmt_pct(value, lang)
    if kind == "hours":
        return fmt_hours(value, lang)
    return fmt_int(value, lang)


def kpi_cards(figures: dict, lang: str, note: dict[str, str] | None = None) -> dbc.Row:
    """One card per headline figure with its delta against the previous period."""
    cols = []
    for key, kind, higher_is_better in KPI_SPECS:
        value = figures["current"][key]
        body = dbc.CardBody(
            [
                html.Div(t(f"kpi.{key}", lang), className="kpi-title"),
                html.Div(
                    _value(value, kind, lang), className="kpi-value", id={"type": "kpi-value", "key": key}
                ),
                delta_badge(figures["delta"][key], kind, lang, higher_is_better),
                html.Div((note or {}).get(key, ""), className="kpi-note text-muted"),
            ]
        )
        cols.append(dbc.Col(dbc.Card(body, className="kpi-card h-100"), xs=12, sm=6, lg=True))
    return dbc.Row(cols, className="g-3 mb-3")


def attention_list(items: list[dict], lang: str, limit: int = 8) -> html.Div:
    """The "perlu perhatian" items as a list group, danger first; the rest folded away."""
    if not items:
        return html.P(t("ringkasan.attention.none", lang), className="text-muted mb-0")
    rows = []
    for i in items[:limit]:
        if i["kind"] == "sla_low":
            text = t("att.sla_low", lang, name=i["name"], value=fmt_pct(i["value"], lang))
        elif i["kind"] == "beyond_sla":
            text = t("att.beyond_sla", lang, name=i["name"], value=fmt_int(i["value"], lang))
        else:
            text = t(
                f"att.{i['kind']}",
                lang,
                name=i["name"],
                value=fmt_int(i["value"], lang),
                prev=fmt_int(i["previous"], lang),
                change=fmt_pct(i["change_pct"], lang),
            )
        rows.append(dbc.ListGroupItem(text, color=i["severity"], className="attention-item"))
    rest = len(items) - limit
    if rest > 0:
        rows.append(
            dbc.ListGroupItem(t("ringkasan.attention.more", lang, n=rest), className="text-muted small")
        )
    return dbc.ListGroup(rows, flush=True)
