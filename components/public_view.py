"""Pure builders of the Transparansi page: as-of line, KPI cards, tables, open-data links.

Every value they get is already published (suppressed by store.public): they format, never count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_date, fmt_datetime_wib, fmt_pct, t
from components.public_figures import SUPPRESSED, count_text, days_text

P = "tr"
OPEN_DATA = "/data/transparansi"
# URL table name -> dimension of store.public, in the order shown.
TABLES = {"kecamatan": "kecamatan", "kategori": "category", "opd": "agency"}
KPIS = ("complaints", "resolved_pct", "sla_pct", "median_days", "open_beyond_sla")


def age_words(age: timedelta, lang: str) -> str:
    hours = age.total_seconds() / 3600
    if hours >= 48:
        return t("unit.days", lang, n=int(hours // 24))
    return t("unit.hours", lang, n=max(1, int(hours)))


def asof_line(fresh: dict[str, Any], lang: str) -> html.Div:
    """ "Data per ... WIB", plus a red flag when the feed is late or the data over a day old."""
    if fresh["as_of"] is None:
        return html.Div(t("tr.asof.none", lang), className="asof text-danger", id=f"{P}-asof")
    children: list[Any] = [
        html.Span(t("tr.asof", lang, when=fmt_datetime_wib(fresh["as_of"], lang)), id=f"{P}-asof-when")
    ]
    if fresh["stale"]:
        children.append(
            dbc.Badge(
                "⚠ " + t("tr.stale", lang, age=age_words(fresh["age"], lang)),
                color="danger",
                className="ms-2 align-text-bottom",
                id=f"{P}-stale",
                title=t("tr.stale.title", lang),
            )
        )
    return html.Div(children, className="asof text-muted", id=f"{P}-asof")


def _kpi_value(key: str, value: Any, lang: str) -> str:
    if key in ("resolved_pct", "sla_pct"):
        return fmt_pct(value, lang)
    if key == "median_days":
        return days_text(value, lang)
    return count_text(value, lang)


def kpi_cards(k: dict[str, Any], lang: str) -> dbc.Row:
    """One card per public headline figure, with what it means underneath."""
    cols = []
    for key in KPIS:
        if key == "open_beyond_sla":
            note = t("tr.kpi.open_beyond_sla.note", lang, when=fmt_datetime_wib(k["at"], lang))
        else:
            note = t(f"tr.kpi.{key}.note", lang)
        body = dbc.CardBody(
            [
                html.Div(t(f"tr.kpi.{key}", lang), className="kpi-title"),
                html.Div(_kpi_value(key, k[key], lang), className="kpi-value", id=f"{P}-kpi-{key}"),
                html.Div(note, className="kpi-note text-muted"),
            ],
            className="py-2 px-3",
        )
        cols.append(dbc.Col(dbc.Card(body, className="kpi-card h-100"), xs=6, md=4, xl=True))
    return dbc.Row(cols, className="g-2 g-md-3 mb-3")


# Columns a phone leaves out (the bars beside the table carry the counts): name, count and the
# two rates fit a 360-px screen without sideways scrolling.
WIDE_ONLY = "d-none d-md-table-cell"
COLUMNS = (("complaints", ""), ("resolved_pct", ""), ("sla_pct", ""), ("median_days", WIDE_ONLY))
COLUMNS += (("open_beyond_sla", WIDE_ONLY),)


def _cell(text: str, extra: str = "") -> html.Td:
    return html.Td(text, className=f"text-end text-nowrap {extra}".strip())


def breakdown_table(rows: list[dict[str, Any]], by: str, lang: str) -> html.Div:
    """The published rows of one dimension as a plain, sortable-by-eye table (largest first)."""
    if not rows:
        return html.Div(t("tr.empty", lang), className="text-muted small", id=f"{P}-table-{by}")
    head = html.Thead(
        html.Tr(
            [html.Th(t(f"tr.col.name.{by}", lang))]
            + [html.Th(t(f"tr.col.{c}", lang), className=f"text-end {extra}".strip()) for c, extra in COLUMNS]
        )
    )
    body = []
    for r in rows:
        small = r["complaints"] == SUPPRESSED
        body.append(
            html.Tr(
                [
                    html.Td(r["name"]),
                    _cell(count_text(r["complaints"], lang), "text-muted" if small else "fw-semibold"),
                    _cell(fmt_pct(r["resolved_pct"], lang)),
                    _cell(fmt_pct(r["sla_pct"], lang)),
                    _cell(days_text(r["median_days"], lang), WIDE_ONLY),
                    _cell(count_text(r["open_beyond_sla"], lang), WIDE_ONLY),
                ],
                **{"data-key": r["key"]},
            )
        )
    table = dbc.Table([head, html.Tbody(body)], size="sm", hover=True, className="mb-0 small tr-table")
    return html.Div(table, className="table-responsive tr-table-wrap", id=f"{P}-table-{by}")


def download_links(params: dict[str, str], licence: str, lang: str) -> html.Div:
    """CSV and JSON per table for the page's filters, the schema and the licence line."""
    query = "?" + urlencode(params) if params else ""
    items = [
        html.Li(
            [
                html.Span(t(f"tr.dim.{name}", lang), className="me-2"),
                html.A(
                    "CSV", href=f"{OPEN_DATA}/{name}.csv{query}", id=f"{P}-dl-{name}-csv", className="me-2"
                ),
                html.A("JSON", href=f"{OPEN_DATA}/{name}.json{query}", id=f"{P}-dl-{name}-json"),
            ],
            className="mb-1",
        )
        for name in TABLES
    ]
    items.append(
        html.Li(html.A(t("tr.open_data.schema", lang), href=f"{OPEN_DATA}/schema.json", id=f"{P}-dl-schema"))
    )
    return html.Div(
        [
            html.Ul(items, className="list-unstyled mb-2"),
            html.Div(
                t("tr.open_data.licence", lang, licence=licence),
                className="small text-muted",
                id=f"{P}-licence",
            ),
        ]
    )


def period_text(start: date, end: date, lang: str) -> str:
    return t("tr.period_text", lang, start=fmt_date(start, lang), end=fmt_date(end, lang))
