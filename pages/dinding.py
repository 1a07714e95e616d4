"""Mode dinding: full screen for the command-center wall, cycling map, tiles and KPIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from components import map_layers as ml
from components.access import STAFF
from components.camera_tiles import checked_text, legend, summary, tile_grid
from components.cards import kpi_cards
from components.i18n import WIB, current_lang, fmt_datetime_wib, t
from components.shell import as_of_badge
from config import get_settings
from pages.map_data import kecamatan_data
from store.camera_read import cameras, latest_check_at
from store.db import get_engine
from store.filters import Filter
from store.queries import as_of, kpis

dash.register_page(
    __name__,
    path="/dinding",
    name="Mode dinding",
    title="Mode dinding · Lawang Jabo",
    nav=False,
    label_key="nav.dinding",
    roles=STAFF,
    id_prefix="dinding",
)

P = "dinding"
VIEWS = ("map", "tiles", "kpis")
DEFAULT_CYCLE_S = 20
KPI_DAYS = 30


def _cycle_s(raw: str | None) -> int:
    try:
        return min(3600, max(3, int(raw))) if raw else DEFAULT_CYCLE_S
    except ValueError:
        return DEFAULT_CYCLE_S


def _cams(now: datetime):
    return cameras(get_engine(), now, get_settings().snapshot_interval_s)


def _kpi_block(now: datetime, lang: str) -> html.Div:
    today = now.astimezone(WIB).date()
    f = Filter(start=today - timedelta(days=KPI_DAYS - 1), end=today)
    updated = as_of(get_engine())
    return html.Div(
        [
            as_of_badge(fmt_datetime_wib(updated, lang) if updated else None, lang),
            kpi_cards(kpis(get_engine(), f, now), lang),
        ]
    )


def _tiles_block(rows: list[dict], now: datetime, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [summary(rows, lang), " · ", checked_text(latest_check_at(get_engine()), lang)],
                className="asof",
            ),
            tile_grid(rows, now, lang, P, clickable=False),
        ]
    )


def layout(detik: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    now = datetime.now(UTC)
    cams = _cams(now)
    rows = cams.to_dict("records")
    kec_geo, hideout, polygons = kecamatan_data(KPI_DAYS, "complaints", lang, now)
    kec = ml.kecamatan_layer(f"{P}-kec", kec_geo, polygons, hideout)
    overlays = [
        (t("peta.layer.kecamatan", lang), kec, True),
        (
            t("peta.layer.cameras", lang),
            ml.camera_layer(f"{P}-cameras", ml.camera_features(cams, now, lang)),
            True,
        ),
    ]
    views = {
        "map": html.Div(
            [
                ml.base_map(
                    f"{P}-map", overlays, lang, attribution=get_settings().tile_attribution, height="76vh"
                ),
                html.Div(
                    [
                        legend(lang),
                        html.Span(checked_text(latest_check_at(get_engine()), lang), id=f"{P}-map-asof"),
                    ],
                    className="d-flex justify-content-between asof mt-1",
                ),
            ]
        ),
        "tiles": html.Div(_tiles_block(rows, now, lang), id=f"{P}-tiles-body"),
        "kpis": html.Div(_kpi_block(now, lang), id=f"{P}-kpis-body"),
    }
    head = html.Div(
        [
            html.H1(t("dinding.title", lang)),
            html.Div(t("dinding.view.map", lang), id=f"{P}-view-title", className="dinding-view-title"),
            html.Div(
                [
                    html.Button(
                        "◀", id=f"{P}-prev", className="btn btn-outline-light btn-lg me-1", n_clicks=0
                    ),
                    html.Button(
                        t("dinding.pause", lang),
                        id=f"{P}-pause",
                        className="btn btn-outline-light btn-lg me-1",
                        n_clicks=0,
                    ),
                    html.Button(
                        "▶", id=f"{P}-next", className="btn btn-outline-light btn-lg me-3", n_clicks=0
                    ),
                    dcc.Link(t("dinding.exit", lang), href="/peta", className="btn btn-link text-light"),
                ]
            ),
        ],
        className="dinding-head",
    )
    return html.Div(
        [
            head,
            html.Div(t("dinding.hint", lang), className="asof"),
            *[
                html.Div(
                    views[v],
                    id=f"{P}-view-{v}",
                    className="dinding-view" + ("" if i == 0 else " dinding-hidden"),
                )
                for i, v in enumerate(VIEWS)
            ],
            dcc.Store(id=f"{P}-view", data=0),
            dcc.Store(id=f"{P}-titles", data=[t(f"dinding.view.{v}", lang) for v in VIEWS]),
            dcc.Store(id=f"{P}-labels", data=[t("dinding.pause", lang), t("dinding.play", lang)]),
            dcc.Interval(id=f"{P}-cycle", interval=_cycle_s(detik) * 1000),
            dcc.Interval(id=f"{P}-tick", interval=get_settings().live_refresh_s * 1000),
        ],
        id=f"{P}-root",
        **{"data-cycle-s": str(_cycle_s(detik))},
    )


clientside_callback(
    "function(n, next, prev, view, titles){ return window.lawangJabo.wall.step(view, titles); }",
    Output(f"{P}-view", "data"),
    [Output(f"{P}-view-{v}", "className") for v in VIEWS],
    Output(f"{P}-view-title", "children"),
    Input(f"{P}-cycle", "n_intervals"),
    Input(f"{P}-next", "n_clicks"),
    Input(f"{P}-prev", "n_clicks"),
    State(f"{P}-view", "data"),
    State(f"{P}-titles", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    "function(n, disabled, labels){ return window.lawangJabo.wall.pause(n, disabled, labels); }",
    Output(f"{P}-cycle", "disabled"),
    Output(f"{P}-pause", "children"),
    Input(f"{P}-pause", "n_clicks"),
    State(f"{P}-cycle", "disabled"),
    State(f"{P}-labels", "data"),
    prevent_initial_call=True,
)


@callback(
    Output(f"{P}-cameras", "data"),
    Output(f"{P}-tiles-body", "children"),
    Output(f"{P}-kpis-body", "children"),
    Output(f"{P}-map-asof", "children"),
    Input(f"{P}-tick", "n_intervals"),
    prevent_initial_call=True,
)
def refresh(_n):
    lang = current_lang()
    now = datetime.now(UTC)
    cams = _cams(now)
    return (
        ml.camera_features(cams, now, lang),
        _tiles_block(cams.to_dict("records"), now, lang),
        _kpi_block(now, lang),
        checked_text(latest_check_at(get_engine()), lang),
    )
