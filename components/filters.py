"""The filter bar of Statistik Aduan: date range and multi-selects, ids by page prefix."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import t

# Field name -> vocabulary whose labels come from i18n ("channel.web", ...).
VOCAB_FIELDS = {
    "channel": ("web", "sms1708", "app", "sosmed"),
    "report_type": ("pengaduan", "aspirasi", "permintaan_informasi"),
    "status": ("baru", "diverifikasi", "diteruskan", "ditindaklanjuti", "selesai", "ditutup"),
}
SELECT_FIELDS = ("kecamatan", "category", "agency", "channel", "report_type", "status")


def field_id(prefix: str, name: str) -> str:
    return f"{prefix}-f-{name}"


def _labelled(label: str, control) -> html.Div:
    return html.Div([html.Div(label, className="filter-label"), control])


def filter_bar(
    prefix: str,
    lang: str,
    choices: dict[str, list[dict[str, str]]],
    values: dict[str, object],
    min_day: date | None,
    max_day: date | None,
) -> html.Div:
    """Controls for every Filter field, preset to `values` (from the URL)."""
    opts = dict(choices)
    for name, codes in VOCAB_FIELDS.items():
        opts[name] = [{"value": c, "label": t(f"{name}.{c}", lang)} for c in codes]
    dates = dcc.DatePickerRange(
        id=field_id(prefix, "dates"),
        start_date=values["start"],
        end_date=values["end"],
        min_date_allowed=min_day,
        max_date_allowed=max_day,
        display_format="DD/MM/YYYY",
        first_day_of_week=1,
        minimum_nights=0,
        className="w-100",
    )
    selects = [
        dbc.Col(
            _labelled(
                t(f"f.{name}", lang),
                dcc.Dropdown(
                    id=field_id(prefix, name),
                    options=opts[name],
                    value=list(values.get(name) or []),
                    multi=True,
                    placeholder=t("stat.all", lang),
                ),
            ),
            xs=12,
            sm=6,
            lg=True,
        )
        for name in SELECT_FIELDS
    ]
    return html.Div(
        [
            dbc.Row(
                [dbc.Col(_labelled(t("f.dates", lang), dates), xs=12, lg="auto"), *selects],
                className="g-2 align-items-end",
            ),
            html.Div(
                [
                    dbc.Button(
                        t("stat.reset", lang), id=f"{prefix}-reset", color="link", size="sm", className="px-0"
                    ),
                    html.Span(t("stat.click_hint", lang), className="text-muted small ms-3"),
                ],
                className="mt-1",
            ),
        ],
        className="panel",
    )
