"""Laporan: choose period, scope, language and format; generation runs in a process of its own.

The page only inserts a queued row into the report archive and starts `python -m reports.generate`
(reports/launch.py); an Interval polls the row's progress and shows the download link when it is
done. The archive below lists on-demand and scheduled (weekly, monthly) reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.access import STAFF
from components.i18n import current_lang, t
from pages.laporan import callbacks  # noqa: F401  (registers the page's callbacks)
from pages.laporan.callbacks import archive_view
from pages.laporan.views import P
from store.calendar import wib_day

dash.register_page(
    __name__,
    path="/laporan",
    name="Laporan",
    title="Laporan · Lawang Jabo",
    order=3,
    label_key="nav.laporan",
    roles=STAFF,  # everyone who logs in
    id_prefix=P,
)


def _field(label_key: str, control, lang: str, md: int = 3) -> dbc.Col:
    return dbc.Col([html.Div(t(label_key, lang), className="filter-label"), control], md=md, className="mb-3")


def _radio(key: str, options: list[tuple[str, str]], value: str, lang: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=f"{P}-{key}",
        options=[{"value": v, "label": t(k, lang)} for v, k in options],
        value=value,
        inline=True,
    )


def layout(**_params: str) -> html.Div:
    lang = current_lang()
    yesterday = wib_day(datetime.now(UTC)) - timedelta(days=1)
    form = dbc.Row(
        [
            _field(
                "lap.period",
                _radio(
                    "period",
                    [
                        ("week", "lap.period.week"),
                        ("month", "lap.period.month"),
                        ("quarter", "lap.period.quarter"),
                        ("custom", "lap.period.custom"),
                    ],
                    "month",
                    lang,
                ),
                lang,
                md=6,
            ),
            _field(
                "lap.anchor",
                html.Div(
                    [
                        dcc.DatePickerSingle(id=f"{P}-anchor", date=yesterday, display_format="DD-MM-YYYY"),
                        dcc.DatePickerRange(
                            id=f"{P}-range",
                            start_date=yesterday - timedelta(days=29),
                            end_date=yesterday,
                            display_format="DD-MM-YYYY",
                            style={"display": "none"},
                        ),
                    ]
                ),
                lang,
                md=6,
            ),
            _field(
                "lap.scope",
                _radio(
                    "scope",
                    [
                        ("city", "lap.scope.city"),
                        ("kecamatan", "lap.scope.kecamatan"),
                        ("agency", "lap.scope.agency"),
                    ],
                    "city",
                    lang,
                ),
                lang,
                md=6,
            ),
            _field(
                "lap.scope.which",
                dcc.Dropdown(id=f"{P}-scope-code", options=[], disabled=True, clearable=False),
                lang,
                md=6,
            ),
            _field(
                "lap.lang", _radio("lang", [("id", "lap.lang.id"), ("en", "lap.lang.en")], lang, lang), lang
            ),
            _field(
                "lap.format",
                _radio(
                    "fmt",
                    [("pdf", "lap.fmt.pdf"), ("xlsx", "lap.fmt.xlsx"), ("csv", "lap.fmt.csv")],
                    "pdf",
                    lang,
                ),
                lang,
                md=6,
            ),
        ]
    )
    return html.Div(
        [
            html.H1(t("lap.title", lang), className="page-title"),
            html.P(t("lap.lead", lang), className="text-muted small"),
            html.Div(
                [
                    form,
                    dbc.Button(t("lap.generate", lang), id=f"{P}-generate", color="primary"),
                    html.Div(id=f"{P}-form-error", className="mt-2"),
                    html.Div(id=f"{P}-status", className="mt-3"),
                ],
                className="panel p-3 mb-3",
            ),
            html.Div(
                [
                    html.H2(t("lap.archive", lang), className="h5"),
                    html.P(t("lap.archive.note", lang), className="text-muted small"),
                    html.Div(archive_view(lang), id=f"{P}-archive"),
                ],
                className="panel p-3",
            ),
            dcc.Store(id=f"{P}-job"),
            dcc.Store(id=f"{P}-finished"),
            dcc.Interval(id=f"{P}-tick", interval=800, disabled=True),
            dcc.Interval(id=f"{P}-archive-tick", interval=30_000),
        ]
    )
