"""Statistik Aduan: filters (kept in the URL), breakdowns, trend, funnel, outcomes, a grid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components import figures as figs
from components.access import STAFF
from components.cards import kpi_cards
from components.filters import SELECT_FIELDS, field_id, filter_bar
from components.i18n import WIB, current_lang, fmt_datetime_wib, t
from components.shell import as_of_badge
from components.tables import kecamatan_grid
from store.cache import (  # cached: same signatures as the queries
    breakdown,
    funnel,
    kpis,
    outcomes,
    resolution_distribution,
    trend,
)
from store.db import get_engine
from store.filters import Filter, FilterError, Known, parse_params
from store.queries import as_of, date_bounds, options

dash.register_page(
    __name__,
    path="/statistik",
    name="Statistik Aduan",
    title="Statistik Aduan · Lawang Jabo",
    order=1,
    label_key="nav.statistik",
    roles=STAFF,
    id_prefix="stat",
)

P = "stat"
DEFAULT_DAYS = 90
GRAPHS = ("kecamatan", "trend", "category", "agency", "channel", "distribution", "funnel", "outcomes")


def _default_filter() -> Filter:
    today = datetime.now(UTC).astimezone(WIB).date()
    return Filter(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


def _known(choices: dict[str, list[dict[str, str]]]) -> Known:
    return Known(
        category=frozenset(o["value"] for o in choices["category"]),
        agency=frozenset(o["value"] for o in choices["agency"]),
    )


def _panel(title_key: str, graph_name: str, lang: str, extra=None) -> html.Div:
    return html.Div(
        [
            html.Div(
                [html.H2(t(title_key, lang), className="mb-0"), extra],
                className="d-flex justify-content-between",
            ),
            dcc.Loading(dcc.Graph(id=f"{P}-g-{graph_name}", config=figs.graph_config(lang)), delay_show=300),
        ],
        className="panel",
    )


def layout(**params: str) -> html.Div:
    lang = current_lang()
    engine = get_engine()
    choices = options(engine, lang)
    default = _default_filter()
    error = None
    try:
        f = parse_params(params, default, _known(choices))
    except FilterError as exc:
        f, error = default, str(exc)
    lo, hi = date_bounds(engine)
    values = {"start": f.start, "end": f.end, **{name: getattr(f, name) for name in SELECT_FIELDS}}
    updated = as_of(engine)
    freq = dbc.RadioItems(
        id=f"{P}-freq",
        value="W" if f.days > 120 else "D",
        inline=True,
        className="small",
        options=[
            {"label": t("stat.daily", lang), "value": "D"},
            {"label": t("stat.weekly", lang), "value": "W"},
        ],
    )
    export = dbc.Button(t("stat.export", lang), id=f"{P}-export", size="sm", color="secondary", outline=True)
    return html.Div(
        [
            html.H1(t("stat.title", lang), className="page-title"),
            as_of_badge(fmt_datetime_wib(updated, lang) if updated else None, lang),
            dbc.Alert(t("stat.bad_filter", lang, error=error), color="warning", id=f"{P}-bad-filter")
            if error
            else None,
            filter_bar(P, lang, choices, values, lo, max(hi, default.end) if hi else default.end),
            dbc.Alert(id=f"{P}-message", color="warning", is_open=False),
            html.Div(id=f"{P}-kpis"),
            dbc.Row(
                [
                    dbc.Col(_panel("stat.per_kecamatan", "kecamatan", lang), lg=5),
                    dbc.Col(
                        [_panel("stat.trend", "trend", lang, freq), _panel("stat.funnel", "funnel", lang)],
                        lg=7,
                    ),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_panel("stat.per_category", "category", lang), lg=4),
                    dbc.Col(_panel("stat.per_agency", "agency", lang), lg=4),
                    dbc.Col(_panel("stat.per_channel", "channel", lang), lg=4),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_panel("stat.time_to_close", "distribution", lang), lg=6),
                    dbc.Col(_panel("stat.outcomes", "outcomes", lang), lg=6),
                ],
                className="g-3",
            ),
            html.Div(
                [
                    html.Div(
                        [html.H2(t("stat.table", lang), className="mb-0"), export],
                        className="d-flex justify-content-between mb-2",
                    ),
                    kecamatan_grid(f"{P}-grid", lang),
                ],
                className="panel",
            ),
            dcc.Store(id=f"{P}-query"),
            dcc.Store(id=f"{P}-query-sink"),
        ]
    )


def _to_filter(start: str | None, end: str | None, selected: list) -> Filter:
    default = _default_filter()
    start_d = date.fromisoformat(start[:10]) if start else default.start
    end_d = date.fromisoformat(end[:10]) if end else default.end
    lists = {name: tuple(v or ()) for name, v in zip(SELECT_FIELDS, selected, strict=True)}
    return Filter(start=start_d, end=end_d, **lists)


@callback(
    [Output(f"{P}-g-{g}", "figure") for g in GRAPHS],
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-grid", "rowData"),
    Output(f"{P}-query", "data"),
    Output(f"{P}-message", "children"),
    Output(f"{P}-message", "is_open"),
    Input(field_id(P, "dates"), "start_date"),
    Input(field_id(P, "dates"), "end_date"),
    [Input(field_id(P, name), "value") for name in SELECT_FIELDS],
    Input(f"{P}-freq", "value"),
)
def update(start, end, *rest):
    # Dash passes the list of inputs flattened: the selects in SELECT_FIELDS order, then freq.
    *selected, freq = rest
    lang = current_lang()
    try:
        f = _to_filter(start, end, selected)
    except (FilterError, ValueError) as exc:
        return [no_update] * len(GRAPHS) + [no_update, no_update, no_update, str(exc), True]
    engine = get_engine()
    now = datetime.now(UTC)
    kec = breakdown(engine, f, "kecamatan", now, lang)
    graphs = [
        figs.kecamatan_bars(kec, lang, f.kecamatan),
        figs.trend_lines(trend(engine, f, freq or "D"), lang),
        figs.category_bars(breakdown(engine, f, "category", now, lang), lang),
        figs.category_bars(breakdown(engine, f, "agency", now, lang), lang),
        figs.category_bars(_channel_labels(breakdown(engine, f, "channel", now, lang), lang), lang),
        figs.distribution_bars(resolution_distribution(engine, f), lang),
        figs.funnel_chart(funnel(engine, f), lang),
        figs.outcome_donut(outcomes(engine, f), lang),
    ]
    rows = kec.drop(columns=["key"]).assign(code=kec["key"]).to_dict("records")
    cards = kpi_cards(kpis(engine, f, now), lang)
    return [*graphs, cards, rows, urlencode(f.to_params()), None, False]


def _channel_labels(frame, lang: str):
    return frame.assign(name=[t(f"channel.{k}", lang) for k in frame["key"]])


@callback(
    Output(field_id(P, "kecamatan"), "value"),
    Input(f"{P}-g-kecamatan", "clickData"),
    State(field_id(P, "kecamatan"), "value"),
    prevent_initial_call=True,
)
def click_kecamatan(click, current):
    """Clicking a bar filters to that kecamatan; clicking it again clears that filter."""
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0]["customdata"][0]
    current = list(current or [])
    return [c for c in current if c != code] if code in current else [code]


@callback(
    Output(field_id(P, "dates"), "start_date"),
    Output(field_id(P, "dates"), "end_date"),
    [Output(field_id(P, name), "value", allow_duplicate=True) for name in SELECT_FIELDS],
    Input(f"{P}-reset", "n_clicks"),
    prevent_initial_call=True,
)
def reset(_n):
    default = _default_filter()
    return default.start.isoformat(), default.end.isoformat(), *([[]] * len(SELECT_FIELDS))


@callback(Output(f"{P}-grid", "exportDataAsCsv"), Input(f"{P}-export", "n_clicks"), prevent_initial_call=True)
def export_csv(_n):
    return True


clientside_callback(
    "function(q){ return window.lawangJabo.replaceQuery(q); }",
    Output(f"{P}-query-sink", "data"),
    Input(f"{P}-query", "data"),
    prevent_initial_call=True,
)
