"""Ringkasan: the leadership's landing page. Headline KPIs with deltas, worst five, attention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.access import STAFF
from components.cards import attention_list, kpi_cards
from components.i18n import WIB, current_lang, fmt_date, fmt_datetime_wib, t
from components.shell import as_of_badge
from components.tables import worst_by_sla, worst_table
from config import get_settings
from store.cache import attention, breakdown, kpis  # cached: same signatures as the queries
from store.db import get_engine
from store.filters import Filter
from store.queries import as_of

dash.register_page(
    __name__,
    path="/",
    name="Ringkasan",
    title="Ringkasan · Lawang Jabo",
    order=0,
    label_key="nav.ringkasan",
    roles=STAFF,
    id_prefix="ringkasan",
)

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
# Complaint data older than this is flagged: the real command center died of silent feeds.
STALE_AFTER = timedelta(hours=24)


def _period(raw: str | None) -> tuple[int, bool]:
    try:
        days = int(raw) if raw else DEFAULT_PERIOD
    except ValueError:
        return DEFAULT_PERIOD, False
    return (days, True) if days in PERIODS else (DEFAULT_PERIOD, False)


def _age_text(age: timedelta, lang: str) -> str:
    hours = age.total_seconds() / 3600
    return t("unit.days", lang, n=int(hours // 24)) if hours >= 48 else t("unit.hours", lang, n=int(hours))


def _period_nav(days: int, lang: str) -> dbc.Nav:
    return dbc.Nav(
        [
            dbc.NavItem(
                dbc.NavLink(
                    t("period.days", lang, n=n),
                    href=f"/?periode={n}",
                    active=n == days,
                    id=f"ringkasan-periode-{n}",
                )
            )
            for n in PERIODS
        ],
        pills=True,
        className="mb-2",
    )


def layout(periode: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    engine = get_engine()
    days, valid = _period(periode)
    now = datetime.now(UTC)
    today = now.astimezone(WIB).date()
    f = Filter(start=today - timedelta(days=days - 1), end=today)
    prev = f.previous()
    figures = kpis(engine, f, now)
    kec = breakdown(engine, f, "kecamatan", now, lang)
    opd = breakdown(engine, f, "agency", now, lang)
    items = attention(engine, f, now, get_settings().open_beyond_sla_warn, lang)
    updated = as_of(engine)
    stale = _age_text(now - updated, lang) if updated and now - updated > STALE_AFTER else None
    base_query = f.to_params()
    note = {
        "open_beyond_sla": t(
            "kpi.open_beyond_sla.note", lang, when=fmt_datetime_wib(figures["current"]["backlog_at"], lang)
        )
    }
    return html.Div(
        [
            html.H1(t("ringkasan.title", lang), className="page-title"),
            as_of_badge(fmt_datetime_wib(updated, lang) if updated else None, lang, stale),
            None
            if valid
            else dbc.Alert(
                t("stat.bad_filter", lang, error=f"periode={periode!r}"),
                color="warning",
                id="ringkasan-bad-period",
            ),
            _period_nav(days, lang),
            html.P(
                [
                    html.Strong(
                        t("period.range", lang, start=fmt_date(f.start, lang), end=fmt_date(f.end, lang))
                    ),
                    " ",
                    html.Span(
                        t("period.vs", lang, start=fmt_date(prev.start, lang), end=fmt_date(prev.end, lang)),
                        className="text-muted",
                    ),
                ],
                className="small mb-2",
                id="ringkasan-period",
            ),
            kpi_cards(figures, lang, note),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            [
                                html.H2(t("ringkasan.worst_kec", lang)),
                                worst_table(worst_by_sla(kec), lang, "kecamatan", base_query),
                            ],
                            className="panel h-100",
                            id="ringkasan-worst-kec",
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.H2(t("ringkasan.worst_opd", lang)),
                                worst_table(worst_by_sla(opd), lang, "opd", base_query),
                            ],
                            className="panel h-100",
                            id="ringkasan-worst-opd",
                        ),
                        lg=6,
                    ),
                ],
                className="g-3 mb-3",
            ),
            html.Div(
                [html.H2(t("ringkasan.attention", lang)), attention_list(items, lang)],
                className="panel",
                id="ringkasan-attention",
            ),
            dcc.Link(
                t("ringkasan.to_stats", lang),
                href="/statistik?" + "&".join(f"{k}={v}" for k, v in base_query.items()),
            ),
        ]
    )
