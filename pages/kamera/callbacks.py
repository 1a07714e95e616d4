"""Callbacks of Kamera: filters rebuild the grid; the interval touches only tiles that changed."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update

from components.camera_tiles import age_text, status_badge, summary, thumb_src, tile_class, tile_grid
from components.i18n import current_lang
from pages.kamera.data import camera_detail, camera_rows

P = "kam"


@callback(
    Output(f"{P}-grid", "children"),
    Output(f"{P}-summary", "children"),
    Output(f"{P}-query", "data"),
    Input(f"{P}-f-kecamatan", "value"),
    Input(f"{P}-f-status", "value"),
    Input(f"{P}-f-cakupan", "value"),
    prevent_initial_call=True,
)
def filter_grid(kecamatan, status, cakupan):
    lang = current_lang()
    now = datetime.now(UTC)
    flt = {
        "kecamatan": tuple(kecamatan or ()),
        "status": tuple(status or ()),
        "cakupan": tuple(cakupan or ()),
    }
    rows = camera_rows(now, flt)
    query = urlencode({k: ",".join(v) for k, v in flt.items() if v})
    return tile_grid(rows, now, lang, P), summary(rows, lang), query


@callback(
    Output({"type": f"{P}-img", "cam": ALL}, "src"),
    Output({"type": f"{P}-age", "cam": ALL}, "children"),
    Output({"type": f"{P}-badge", "cam": ALL}, "children"),
    Output({"type": f"{P}-tile", "cam": ALL}, "className"),
    Input(f"{P}-tick", "n_intervals"),
    State({"type": f"{P}-img", "cam": ALL}, "src"),
    State({"type": f"{P}-age", "cam": ALL}, "children"),
    State({"type": f"{P}-tile", "cam": ALL}, "className"),
    State({"type": f"{P}-tile", "cam": ALL}, "id"),
    prevent_initial_call=True,
)
def refresh_tiles(_n, srcs, ages, classes, ids):
    # Per tile, no_update unless something shown changed: unchanged tiles are not re-rendered.
    lang = current_lang()
    now = datetime.now(UTC)
    by_id = {int(r["id"]): r for r in camera_rows(now, {})}
    out_src, out_age, out_badge, out_class = [], [], [], []
    for src, age, cls, tid in zip(srcs, ages, classes, ids, strict=True):
        cam = by_id.get(int(tid["cam"]))
        if cam is None:
            out_src.append(no_update), out_age.append(no_update), out_badge.append(no_update)
            out_class.append(no_update)
            continue
        new_src, new_age, new_cls = (
            thumb_src(cam["snapshot_id"]),
            age_text(cam["taken_at"], now, lang),
            tile_class(cam["status"]),
        )
        out_src.append(new_src if new_src and new_src != src else no_update)
        out_age.append(new_age if new_age != age else no_update)
        changed = new_cls != cls
        out_badge.append(status_badge(cam["status"], cam.get("reason"), lang) if changed else no_update)
        out_class.append(new_cls if changed else no_update)
    return out_src, out_age, out_badge, out_class


@callback(
    Output(f"{P}-modal", "is_open"),
    Output(f"{P}-modal-title", "children"),
    Output(f"{P}-modal-body", "children"),
    Input({"type": f"{P}-open", "cam": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def open_camera(clicks):
    trigger = ctx.triggered_id
    # A rebuilt grid fires this with n_clicks 0: only a real click opens the view.
    if not trigger or not any(c for c in clicks if c):
        return no_update, no_update, no_update
    if not ctx.triggered or not ctx.triggered[0]["value"]:
        return no_update, no_update, no_update
    lang = current_lang()
    detail = camera_detail(int(trigger["cam"]), datetime.now(UTC), lang)
    if detail is None:
        return no_update, no_update, no_update
    return True, detail[0], detail[1]


clientside_callback(
    "function(q){ return window.lawangJabo.replaceQuery(q); }",
    Output(f"{P}-query-sink", "data"),
    Input(f"{P}-query", "data"),
    prevent_initial_call=True,
)
