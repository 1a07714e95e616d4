"""Callbacks of Transparansi: the filters (kept in the URL), the presets, and the camera refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from dash import Input, Output, callback, clientside_callback, ctx, no_update

from components.i18n import current_lang
from pages.transparansi.views import PRESETS, cameras, controls_params, filter_from, statistics, today_wib
from store.filters import FilterError

P = "tr"
DIMS = ("kecamatan", "category", "agency")


@callback(
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-g-trend", "figure"),
    [Output(f"{P}-g-{by}", "figure") for by in DIMS],
    [Output(f"{P}-tablebox-{by}", "children") for by in DIMS],
    Output(f"{P}-downloads", "children"),
    Output(f"{P}-period", "children"),
    Output(f"{P}-query", "data"),
    Output(f"{P}-message", "children"),
    Output(f"{P}-message", "is_open"),
    Input(f"{P}-f-dates", "start_date"),
    Input(f"{P}-f-dates", "end_date"),
    Input(f"{P}-f-kecamatan", "value"),
    Input(f"{P}-f-category", "value"),
    prevent_initial_call=True,  # the layout already drew the URL's filter
)
def update(start, end, kecamatan, category):
    lang = current_lang()
    now = datetime.now(UTC)
    try:
        f = filter_from(controls_params(start, end, kecamatan, category), today_wib(now))
    except FilterError as exc:
        return [no_update] * 11 + [str(exc), True]
    s = statistics(f, lang, now)
    return [
        s["kpis"],
        s["trend"],
        *[s["bars"][by] for by in DIMS],
        *[s["tables"][by] for by in DIMS],
        s["downloads"],
        s["period"],
        urlencode(f.to_params()),
        None,
        False,
    ]


@callback(
    Output(f"{P}-f-dates", "start_date"),
    Output(f"{P}-f-dates", "end_date"),
    Output(f"{P}-f-kecamatan", "value"),
    Output(f"{P}-f-category", "value"),
    [Input(f"{P}-preset-{n}", "n_clicks") for n in PRESETS],
    Input(f"{P}-reset", "n_clicks"),
    prevent_initial_call=True,
)
def period_preset(*_clicks):
    """A preset sets the last N days (keeping the other filters); "clear" restores the defaults."""
    today = today_wib()
    trigger = ctx.triggered_id or ""
    if trigger == f"{P}-reset":
        default = filter_from({}, today)
        return default.start.isoformat(), default.end.isoformat(), [], []
    days = int(trigger.rsplit("-", 1)[-1])
    return (today - timedelta(days=days - 1)).isoformat(), today.isoformat(), no_update, no_update


@callback(
    Output(f"{P}-cameras", "data"),
    Output(f"{P}-cam-list", "children"),
    Output(f"{P}-cam-summary", "children"),
    Output(f"{P}-cam-checked", "children"),
    Input(f"{P}-tick", "n_intervals"),
    prevent_initial_call=True,
)
def refresh_cameras(_n):
    # Data props only: the map's center and zoom are never outputs, so the visitor's view stays.
    c = cameras(current_lang(), datetime.now(UTC))
    return c["geo"], c["list"], c["summary"], c["checked"]


clientside_callback(
    "function(q){ return window.lawangJabo.replaceQuery(q); }",
    Output(f"{P}-query-sink", "data"),
    Input(f"{P}-query", "data"),
    prevent_initial_call=True,
)
