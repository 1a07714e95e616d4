"""Kamera: a tile per camera with its latest frame, age and status; filters in the address."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.access import STAFF
from components.camera_tiles import checked_text, summary, tile_grid
from components.i18n import current_lang, t
from config import get_settings
from pages.kamera import callbacks  # noqa: F401  (registers the page's callbacks)
from pages.kamera.data import KEC_CODES, camera_detail, camera_rows, parse_filters
from store.camera_read import SCOPES, STATUSES, camera_by_code, latest_check_at
from store.db import get_engine
from store.reference_data import KECAMATAN

dash.register_page(
    __name__,
    path="/kamera",
    name="Kamera",
    title="Kamera · Lawang Jabo",
    order=4,
    label_key="nav.kamera",
    roles=STAFF,
    id_prefix="kam",
)

P = "kam"


def _dropdown(key: str, label: str, options: list[dict], value: tuple[str, ...], lang: str) -> dbc.Col:
    return dbc.Col(
        [
            html.Div(label, className="filter-label"),
            dcc.Dropdown(
                id=f"{P}-f-{key}",
                options=options,
                value=list(value),
                multi=True,
                placeholder=t("kam.f.all", lang),
            ),
        ],
        md=4,
    )


def layout(kamera: str | None = None, **params: str) -> html.Div:
    lang = current_lang()
    now = datetime.now(UTC)
    flt, error = parse_filters(params)
    rows = camera_rows(now, flt)
    names = {k.code: k.common_name for k in KECAMATAN}
    filters = dbc.Row(
        [
            _dropdown(
                "kecamatan",
                t("kam.f.kecamatan", lang),
                [{"value": c, "label": names[c]} for c in KEC_CODES],
                flt["kecamatan"],
                lang,
            ),
            _dropdown(
                "status",
                t("kam.f.status", lang),
                [{"value": s, "label": t(f"cam.status.{s}", lang)} for s in STATUSES],
                flt["status"],
                lang,
            ),
            _dropdown(
                "cakupan",
                t("kam.f.scope", lang),
                [{"value": s, "label": t(f"cam.scope.{s}", lang)} for s in SCOPES],
                flt["cakupan"],
                lang,
            ),
        ],
        className="g-2 panel",
    )
    opened = camera_by_code(get_engine(), kamera) if kamera else None
    detail = camera_detail(opened["id"], now, lang) if opened else None
    return html.Div(
        [
            html.Div(
                [
                    html.H1(t("kam.title", lang), className="page-title"),
                    dcc.Link(t("peta.wall_link", lang) + " →", href="/dinding", id=f"{P}-wall-link"),
                ],
                className="d-flex justify-content-between align-items-baseline",
            ),
            html.Div(
                checked_text(latest_check_at(get_engine()), lang), className="asof text-muted", id=f"{P}-asof"
            ),
            dbc.Alert(t("kam.bad_filter", lang, error=error), color="warning", id=f"{P}-bad-filter")
            if error
            else None,
            filters,
            html.Div(summary(rows, lang), id=f"{P}-summary", className="mb-2 fw-semibold"),
            html.Div(tile_grid(rows, now, lang, P), id=f"{P}-grid"),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(detail[0] if detail else "", id=f"{P}-modal-title")),
                    dbc.ModalBody(detail[1] if detail else None, id=f"{P}-modal-body"),
                ],
                id=f"{P}-modal",
                is_open=detail is not None,
                size="xl",
                scrollable=True,
            ),
            dcc.Interval(id=f"{P}-tick", interval=get_settings().live_refresh_s * 1000),
            dcc.Store(id=f"{P}-query"),
            dcc.Store(id=f"{P}-query-sink"),
        ]
    )
