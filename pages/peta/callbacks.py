"""Callbacks of Peta: refresh the camera layer's data, the kecamatan period/metric, a kecamatan click."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components import map_layers as ml
from components.camera_tiles import checked_text, summary
from components.i18n import current_lang, fmt_int, fmt_num, fmt_pct, t
from pages.map_data import DEFAULT_PERIOD, PERIODS, camera_data, kecamatan_data, period_filter, points_data
from store.camera_read import latest_check_at
from store.db import get_engine

P = "peta"


@callback(
    Output(f"{P}-cameras", "data"),
    Output(f"{P}-cam-summary", "children"),
    Output(f"{P}-cam-asof", "children"),
    Input(f"{P}-tick", "n_intervals"),
    prevent_initial_call=True,
)
def refresh_cameras(_n):
    # Data props only: the map's center and zoom are never outputs, so the user's view stays.
    lang = current_lang()
    geo, cams = camera_data(lang, datetime.now(UTC))
    return geo, summary(cams.to_dict("records"), lang), checked_text(latest_check_at(get_engine()), lang)


@callback(
    Output(f"{P}-kec", "data"),
    Output(f"{P}-kec", "hideout"),
    Output(f"{P}-points", "data"),
    Output(f"{P}-points", "cluster"),
    Output(f"{P}-points-note", "children"),
    Output(f"{P}-query", "data"),
    Output(f"{P}-scale", "children"),
    Input(f"{P}-period", "value"),
    Input(f"{P}-metric", "value"),
    prevent_initial_call=True,
)
def update_kecamatan(days, metric):
    lang = current_lang()
    # Values come from the dropdowns, but a request can carry anything: fall back, never a 500.
    days = days if days in PERIODS else DEFAULT_PERIOD
    metric = metric if metric in ml.METRICS else "complaints"
    geo, hideout, _polygons = kecamatan_data(days, metric, lang, datetime.now(UTC))
    pts, binned, total = points_data(days)
    note = t("peta.points.binned" if binned else "peta.points.raw", lang, n=fmt_int(total, lang))
    cluster = not binned and len(pts["features"]) > 200
    query = urlencode({"periode": days, "ukuran": metric})
    return geo, hideout, pts, cluster, note, query, ml.scale_legend(metric, hideout, days, lang)


@callback(
    Output(f"{P}-info", "children"),
    Output(f"{P}-kec", "hideout", allow_duplicate=True),
    Input(f"{P}-kec", "clickData"),
    State(f"{P}-period", "value"),
    State(f"{P}-kec", "hideout"),
    prevent_initial_call=True,
)
def click_kecamatan(feature, days, hideout):
    if not feature or "properties" not in feature:
        return no_update, no_update
    lang = current_lang()
    p = feature["properties"]
    f = period_filter(int(days or DEFAULT_PERIOD)).with_(kecamatan=(p["code"],))
    href = "/statistik?" + urlencode(f.to_params())
    info = html.Div(
        [
            html.Div(p["name"], className="fw-semibold"),
            html.Div(t("period.days", lang, n=int(days or DEFAULT_PERIOD)), className="text-muted"),
            html.Div(f"{t('col.complaints', lang)}: {fmt_int(p['complaints'], lang)}"),
            html.Div(f"{t('peta.metric.per_km2', lang)}: {fmt_num(p['per_km2'], lang)}"),
            html.Div(f"{t('col.resolved_pct', lang)}: {fmt_pct(p['resolved_pct'], lang)}"),
            dcc.Link(t("peta.to_stats", lang, name=p["name"]), href=href, id=f"{P}-to-stats"),
        ],
        id=f"{P}-info-{p['code'].replace('.', '-')}",
    )
    return info, {**(hideout or {}), "selected": p["code"]}


clientside_callback(
    "function(q){ return window.lawangJabo.replaceQuery(q); }",
    Output(f"{P}-query-sink", "data"),
    Input(f"{P}-query", "data"),
    prevent_initial_call=True,
)
