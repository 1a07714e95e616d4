"""Peta: cameras coloured by health, complaints per kecamatan for a period, complaint points."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components import map_layers as ml
from components.access import STAFF
from components.camera_tiles import checked_text, legend, summary
from components.i18n import current_lang, fmt_datetime_wib, t
from components.shell import as_of_badge
from config import get_settings
from pages.map_data import DEFAULT_PERIOD, PERIODS, camera_data, kecamatan_data, points_data
from pages.peta import callbacks  # noqa: F401  (registers the page's callbacks)
from store.camera_read import latest_check_at
from store.db import get_engine
from store.queries import as_of

dash.register_page(
    __name__,
    path="/peta",
    name="Peta",
    title="Peta · Lawang Jabo",
    order=3,
    label_key="nav.peta",
    roles=STAFF,  # internal cameras and complaint points; the public map is on Transparansi
    id_prefix="peta",
)

P = "peta"


def _choice(raw: str | None, allowed, default):
    try:
        value = type(default)(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value in allowed else default


def layout(periode: str | None = None, ukuran: str | None = None, **_: str) -> html.Div:
    lang = current_lang()
    now = datetime.now(UTC)
    days = _choice(periode, PERIODS, DEFAULT_PERIOD)
    metric = _choice(ukuran, ml.METRICS, "complaints")
    cam_geo, cams = camera_data(lang, now)
    kec_geo, hideout, polygons = kecamatan_data(days, metric, lang, now)
    pts_geo, binned, total = points_data(days)
    updated = as_of(get_engine())
    overlays = [
        (t("peta.layer.kecamatan", lang), ml.kecamatan_layer(f"{P}-kec", kec_geo, polygons, hideout), True),
        (t("peta.layer.points", lang), ml.points_layer(f"{P}-points", pts_geo, binned), False),
        (t("peta.layer.cameras", lang), ml.camera_layer(f"{P}-cameras", cam_geo), True),
    ]
    controls = html.Div(
        [
            html.Div(
                [
                    html.Div(t("peta.period", lang), className="filter-label"),
                    dbc.RadioItems(
                        id=f"{P}-period",
                        value=days,
                        inline=True,
                        options=[{"label": t("period.days", lang, n=n), "value": n} for n in PERIODS],
                    ),
                ],
                className="me-4",
            ),
            html.Div(
                [
                    html.Div(t("peta.metric", lang), className="filter-label"),
                    dbc.RadioItems(
                        id=f"{P}-metric",
                        value=metric,
                        inline=True,
                        options=[{"label": t(f"peta.metric.{m}", lang), "value": m} for m in ml.METRICS],
                    ),
                ]
            ),
        ],
        className="d-flex flex-wrap panel",
    )
    side = html.Div(
        [
            html.Div(
                [
                    html.H2(t("peta.layer.cameras", lang)),
                    html.Div(summary(cams.to_dict("records"), lang), id=f"{P}-cam-summary"),
                    html.Div(
                        checked_text(latest_check_at(get_engine()), lang),
                        id=f"{P}-cam-asof",
                        className="asof text-muted",
                    ),
                    legend(lang),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.H2(t("peta.layer.kecamatan", lang)),
                    html.Div(ml.scale_legend(metric, hideout, days, lang), id=f"{P}-scale", className="mb-2"),
                    html.Div(t("peta.click_hint", lang), id=f"{P}-info", className="peta-info small"),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.Div(_points_note(binned, total, lang), id=f"{P}-points-note", className="small"),
                    html.Div(
                        t("peta.boundaries", lang, source=get_settings().boundaries_path.name)
                        if polygons
                        else t("peta.no_boundaries", lang),
                        className="small text-muted text-break",  # long file names wrap in the card
                    ),
                ],
                className="panel",
            ),
            dcc.Link(t("peta.wall_link", lang) + " →", href="/dinding", id=f"{P}-wall-link"),
        ]
    )
    return html.Div(
        [
            html.H1(t("peta.title", lang), className="page-title"),
            as_of_badge(fmt_datetime_wib(updated, lang) if updated else None, lang),
            controls,
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            ml.base_map(
                                f"{P}-map", overlays, lang, attribution=get_settings().tile_attribution
                            ),
                            className="panel p-1",
                        ),
                        lg=9,
                    ),
                    dbc.Col(side, lg=3),
                ],
                className="g-3",
            ),
            dcc.Interval(id=f"{P}-tick", interval=get_settings().live_refresh_s * 1000),
            dcc.Store(id=f"{P}-query"),
            dcc.Store(id=f"{P}-query-sink"),
        ]
    )


def _points_note(binned: bool, total: int, lang: str) -> str:
    from components.i18n import fmt_int

    return t("peta.points.binned" if binned else "peta.points.raw", lang, n=fmt_int(total, lang))
