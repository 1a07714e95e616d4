"""Transparansi: the public page. Aggregates only (small counts as "<3"), public cameras, open data."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import access
from components import figures as figs
from components import map_layers as ml
from components import public_map as pm
from components.i18n import current_lang, t
from components.public_view import asof_line
from config import get_settings
from pages.transparansi import callbacks  # noqa: F401  (registers the page's callbacks)
from pages.transparansi.views import PRESETS, cameras, filter_from, statistics, today_wib
from store.db import get_engine
from store.filters import FilterError
from store.public import public_freshness
from store.queries import date_bounds, options

dash.register_page(
    __name__,
    path="/transparansi",
    name="Transparansi",
    title=lambda **_: t("tr.tab_title", current_lang()),  # the browser tab follows the language
    description="Statistik pengaduan warga Kota Palembang dan kamera publik, dengan data terbuka.",
    order=-1,
    label_key="nav.transparansi",
    roles=access.EVERYONE,
    id_prefix="tr",
)

P = "tr"
DIMS = ("kecamatan", "category", "agency")


def _labelled(label: str, control, **col) -> dbc.Col:
    return dbc.Col(html.Div([html.Div(label, className="filter-label"), control]), **col)


def _filters(f, lang: str, choices: dict, lo, hi, period: str) -> html.Div:
    presets = dbc.ButtonGroup(
        [
            dbc.Button(
                t(f"tr.preset.{n}", lang), id=f"{P}-preset-{n}", color="primary", outline=True, size="sm"
            )
            for n in PRESETS
        ],
        className="flex-wrap",
    )
    dates = dcc.DatePickerRange(
        id=f"{P}-f-dates",
        start_date=f.start,
        end_date=f.end,
        min_date_allowed=lo,
        max_date_allowed=hi,
        display_format="DD/MM/YYYY",
        first_day_of_week=1,
        minimum_nights=0,
    )

    def select(name: str, key: str, value) -> dcc.Dropdown:
        return dcc.Dropdown(
            id=f"{P}-f-{name}",
            options=choices[key],
            value=list(value),
            multi=True,
            placeholder=t("tr.f.all", lang),
        )

    return html.Div(
        [
            dbc.Row(
                [
                    _labelled(t("tr.f.period", lang), presets, xs=12, md="auto"),
                    _labelled(t("tr.f.dates", lang), dates, xs=12, md="auto"),
                    _labelled(
                        t("tr.f.kecamatan", lang),
                        select("kecamatan", "kecamatan", f.kecamatan),
                        xs=12,
                        md=True,
                    ),
                    _labelled(
                        t("tr.f.category", lang), select("category", "category", f.category), xs=12, md=True
                    ),
                ],
                className="g-2 align-items-end",
            ),
            html.Div(
                [
                    html.Span(period, id=f"{P}-period", className="small text-muted me-3"),
                    dbc.Button(
                        t("tr.f.reset", lang), id=f"{P}-reset", color="link", size="sm", className="px-0"
                    ),
                ],
                className="mt-1 d-flex flex-wrap align-items-center",
            ),
        ],
        className="panel tr-filters",
    )


def _graph(name: str, figure, lang: str) -> dcc.Graph:
    # Dates in the page's language (assets/plotly-locale-id.js); no toolbar for a citizen.
    config = {**figs.graph_config(lang), "displayModeBar": False, "responsive": True}
    return dcc.Graph(id=f"{P}-g-{name}", figure=figure, config=config)


def _dimension(by: str, stats: dict, lang: str) -> html.Div:
    return html.Div(
        [
            html.H2(t(f"tr.per.{by}", lang)),
            dbc.Row(
                [
                    dbc.Col(dcc.Loading(_graph(by, stats["bars"][by], lang), delay_show=400), lg=5),
                    dbc.Col(html.Div(stats["tables"][by], id=f"{P}-tablebox-{by}"), lg=7),
                ],
                className="g-3",
            ),
        ],
        className="panel",
        id=f"{P}-section-{by}",
    )


def _camera_section(cams: dict, lang: str) -> html.Div:
    settings = get_settings()
    overlays = [(t("tr.cameras", lang), pm.cameras_layer(cams["geo"]), True)]
    return html.Div(
        [
            html.H2(t("tr.cameras", lang)),
            html.P(t("tr.cameras.lead", lang), className="small text-muted mb-1"),
            html.Div(
                [
                    html.Span(cams["summary"], id=f"{P}-cam-summary", className="me-3 fw-semibold"),
                    html.Span(cams["checked"], id=f"{P}-cam-checked", className="text-muted"),
                ],
                className="small mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        ml.base_map(
                            f"{P}-map", overlays, lang, attribution=settings.tile_attribution, height="440px"
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        html.Div(
                            cams["list"],
                            id=f"{P}-cam-list",
                            className="tr-cam-scroll",
                            style={"maxHeight": "440px", "overflowY": "auto"},
                        ),
                        lg=5,
                    ),
                ],
                className="g-3",
            ),
            dcc.Interval(id=f"{P}-tick", interval=settings.live_refresh_s * 1000),
        ],
        className="panel",
        id=f"{P}-section-cameras",
    )


def layout(**params: str) -> html.Div:
    lang = current_lang()
    engine = get_engine()
    now = datetime.now(UTC)
    today = today_wib(now)
    error = None
    try:
        f = filter_from(params, today)
    except FilterError as exc:
        f, error = filter_from({}, today), str(exc)
    lo, hi = date_bounds(engine)
    stats = statistics(f, lang, now)
    fresh = public_freshness(engine, now, get_settings().sync_interval_min)
    return html.Div(
        [
            html.H1(t("tr.title", lang), className="page-title"),
            html.P(t("tr.lead", lang), className="tr-lead text-secondary mb-1"),
            asof_line(fresh, lang),
            dbc.Alert(t("tr.bad_filter", lang, error=error), color="warning", id=f"{P}-bad-filter")
            if error
            else None,
            _filters(f, lang, options(engine, lang), lo, max(hi, today) if hi else today, stats["period"]),
            dbc.Alert(id=f"{P}-message", color="warning", is_open=False),
            html.Div(stats["kpis"], id=f"{P}-kpis"),
            html.P(t("tr.definitions", lang), className="small text-muted"),
            html.Div(
                [
                    html.H2(t("tr.trend", lang)),
                    dcc.Loading(_graph("trend", stats["trend"], lang), delay_show=400),
                    html.Div(t("tr.trend.note", lang), className="small text-muted"),
                ],
                className="panel",
            ),
            *[_dimension(by, stats, lang) for by in DIMS],
            _camera_section(cameras(lang, now), lang),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            [
                                html.H2(t("tr.open_data", lang)),
                                html.P(t("tr.open_data.lead", lang), className="small text-muted mb-2"),
                                html.Div(stats["downloads"], id=f"{P}-downloads"),
                            ],
                            className="panel h-100",
                            id=f"{P}-section-open-data",
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        html.Div(
                            [
                                html.H2(t("tr.privacy", lang)),
                                html.P(t("tr.privacy.text", lang), className="small mb-0"),
                            ],
                            className="panel h-100",
                            id=f"{P}-section-privacy",
                        ),
                        lg=6,
                    ),
                ],
                className="g-3",
            ),
            dcc.Store(id=f"{P}-query"),
            dcc.Store(id=f"{P}-query-sink"),
        ],
        className="tr-page",
    )
