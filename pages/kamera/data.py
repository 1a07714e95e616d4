"""What the tiles page shows, from store queries and component builders (no Dash callbacks here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import dcc, html

from components.camera_figures import health_figure, uptime_figure
from components.camera_tiles import frames_strip, modal_header
from components.i18n import t
from config import get_settings
from store.camera_read import SCOPES, STATUSES, cameras, health_history, recent_frames, uptime_days
from store.db import get_engine
from store.reference_data import KECAMATAN

KEC_CODES = tuple(k.code for k in KECAMATAN)
# URL parameter -> (allowed values)
FILTERS = {"kecamatan": KEC_CODES, "status": STATUSES, "cakupan": SCOPES}


def parse_filters(params: dict[str, Any]) -> tuple[dict[str, tuple[str, ...]], str | None]:
    """The filters named in the address; unknown values are dropped and reported."""
    out: dict[str, tuple[str, ...]] = {}
    bad: list[str] = []
    for key, allowed in FILTERS.items():
        raw = params.get(key) or ""
        values = tuple(dict.fromkeys(v.strip() for v in str(raw).split(",") if v.strip()))
        bad += [f"{key}={v!r}" for v in values if v not in allowed]
        out[key] = tuple(v for v in values if v in allowed)
    return out, ", ".join(bad) or None


def camera_rows(now: datetime, flt: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    frame = cameras(
        get_engine(),
        now,
        get_settings().snapshot_interval_s,
        kecamatan=flt.get("kecamatan", ()),
        status=flt.get("status", ()),
        scope=flt.get("cakupan", ()),
    )
    return frame.to_dict("records")


def camera_detail(camera_id: int, now: datetime, lang: str) -> tuple[Any, Any] | None:
    """(title, body) of the large view: last 12 frames, health over 24 h, uptime per day."""
    rows = [r for r in camera_rows(now, {}) if int(r["id"]) == camera_id]
    if not rows:
        return None
    cam = rows[0]
    engine = get_engine()
    frames = recent_frames(engine, camera_id, 12).to_dict("records")
    body = html.Div(
        [
            html.H3(t("kam.frames", lang), className="h6"),
            frames_strip(frames, now, lang),
            html.H3(t("kam.health", lang), className="h6 mt-3"),
            dcc.Graph(
                id="kam-health",
                figure=health_figure(health_history(engine, camera_id, now), lang),
                config={"displaylogo": False},
            ),
            html.H3(t("kam.uptime", lang), className="h6 mt-3"),
            dcc.Graph(
                id="kam-uptime",
                figure=uptime_figure(uptime_days(engine, camera_id, now), lang),
                config={"displaylogo": False},
            ),
        ]
    )
    return modal_header(cam, now, lang), body
