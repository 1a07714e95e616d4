"""Snapshot tiles, status badges and the "N menit lalu" ages of the camera pages (pure builders)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_datetime_wib, t

# One colour per shown status, used by the badges, the tiles and the map markers alike.
STATUS_COLORS = {
    "online": "#2e7d32",
    "stale": "#ef6c00",
    "offline": "#c62828",
    "frozen": "#1565c0",
    "dark": "#6a1b9a",
    "unknown": "#757575",
}
# Tiles of these statuses are greyed: their picture is not live.
NOT_LIVE = ("stale", "offline", "unknown")
PROBLEM = ("stale", "offline", "frozen", "dark")


def thumb_src(snapshot_id: Any) -> str | None:
    """URL of a stored frame's thumbnail, or None without a frame."""
    return None if snapshot_id is None else f"/snapshot/frame/{int(snapshot_id)}-thumb.jpg"


def frame_src(snapshot_id: int) -> str:
    return f"/snapshot/frame/{int(snapshot_id)}.jpg"


def age_text(moment: datetime | None, now: datetime, lang: str) -> str:
    """ "baru saja", "N menit lalu", "N jam lalu", "N hari lalu"; the no-frame text without a moment."""
    if moment is None or moment != moment:
        return t("cam.no_frame", lang)
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 60:
        return t("ago.now", lang)
    if seconds < 3600:
        return t("ago.minutes", lang, n=int(seconds // 60))
    if seconds < 48 * 3600:
        return t("ago.hours", lang, n=int(seconds // 3600))
    return t("ago.days", lang, n=int(seconds // 86400))


def status_text(status: str, reason: str | None, lang: str) -> str:
    text = t(f"cam.status.{status}", lang)
    if status == "stale":
        # Whatever was stored (a 304, or an old frame the reader noticed): stale means no new frame.
        reason = "no_new_frame"
    if reason and status in ("offline", "stale"):
        label = t(f"cam.reason.{reason}", lang)
        text += f" ({reason if label.startswith('cam.reason.') else label})"
    return text


def status_badge(status: str, reason: str | None, lang: str) -> html.Span:
    """A coloured pill with the status (and the reason when offline or stale)."""
    return html.Span(
        status_text(status, reason, lang),
        className=f"badge rounded-pill cam-badge cam-badge-{status}",
        style={"backgroundColor": STATUS_COLORS.get(status, STATUS_COLORS["unknown"])},
    )


def tile_class(status: str) -> str:
    return "cam-tile" + (" cam-tile-dim" if status in NOT_LIVE else "") + f" cam-tile-{status}"


def tile(cam: dict[str, Any], now: datetime, lang: str, prefix: str, clickable: bool = True) -> html.Div:
    """One camera tile: thumbnail (the last good frame is kept), name, age and status badge."""
    cid = int(cam["id"])
    src = thumb_src(cam.get("snapshot_id"))
    picture = (
        html.Img(src=src, alt=cam["name"], className="cam-img", id={"type": f"{prefix}-img", "cam": cid})
        if src
        else html.Img(
            className="cam-img cam-img-empty",
            alt=t("cam.no_frame", lang),
            id={"type": f"{prefix}-img", "cam": cid},
        )
    )
    body = [
        html.Div(picture, className="cam-frame"),
        html.Div(
            [
                html.Div(cam["name"], className="cam-name", title=cam["name"]),
                html.Div(
                    [
                        html.Span(
                            id={"type": f"{prefix}-badge", "cam": cid},
                            children=status_badge(cam["status"], cam.get("reason"), lang),
                        ),
                        html.Span(
                            age_text(cam.get("taken_at"), now, lang),
                            className="cam-age",
                            id={"type": f"{prefix}-age", "cam": cid},
                        ),
                    ],
                    # Wraps: a long badge with "Belum ada gambar" is wider than the narrowest tile.
                    className="d-flex flex-wrap justify-content-between align-items-center column-gap-2",
                ),
                html.Div(cam.get("kecamatan_name") or "", className="cam-kec text-muted"),
            ],
            className="cam-caption",
        ),
    ]
    inner = (
        html.Button(body, className="cam-open", id={"type": f"{prefix}-open", "cam": cid}, n_clicks=0)
        if clickable
        else html.Div(body)
    )
    return html.Div(
        inner,
        className=tile_class(cam["status"]),
        id={"type": f"{prefix}-tile", "cam": cid},
        **{"data-code": cam["code"]},
    )


def tile_grid(
    rows: list[dict[str, Any]], now: datetime, lang: str, prefix: str, clickable: bool = True
) -> html.Div:
    """All tiles in a responsive grid, or a message when there is none."""
    if not rows:
        return html.Div(t("kam.none", lang), className="text-muted p-3")
    return html.Div([tile(r, now, lang, prefix, clickable) for r in rows], className="cam-grid")


def summary(rows: list[dict[str, Any]], lang: str) -> str:
    """ "41 kamera · 35 aktif · 4 bermasalah" """
    online = sum(1 for r in rows if r["status"] == "online")
    bad = sum(1 for r in rows if r["status"] in PROBLEM)
    return t("cam.summary", lang, n=len(rows), online=online, bad=bad)


def checked_text(when: datetime | None, lang: str) -> str:
    return t("cam.checked", lang, when=fmt_datetime_wib(when, lang)) if when else t("cam.checked.none", lang)


def legend(lang: str) -> html.Div:
    """Colour key of the camera statuses."""
    return html.Div(
        [
            html.Span(
                [html.Span(className="cam-dot", style={"backgroundColor": c}), t(f"cam.status.{s}", lang)],
                className="me-2 text-nowrap",
            )
            for s, c in STATUS_COLORS.items()
        ],
        className="small cam-legend",
    )


def frames_strip(frames: list[dict[str, Any]], now: datetime, lang: str) -> html.Div:
    """The last frames, newest first, each with its age; a click opens the full frame."""
    if not frames:
        return html.Div(t("cam.no_frame", lang), className="text-muted")
    return html.Div(
        [
            html.A(
                [
                    html.Img(
                        src=thumb_src(f["id"]),
                        className="cam-frame-thumb",
                        alt=age_text(f["taken_at"], now, lang),
                    ),
                    html.Div(fmt_datetime_wib(f["taken_at"], lang), className="small text-muted"),
                ],
                href=frame_src(f["id"]),
                target="_blank",
                className="cam-frame-item text-decoration-none",
            )
            for f in frames
        ],
        className="cam-frames",
        id="kam-frames",
    )


def modal_header(cam: dict[str, Any], now: datetime, lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(cam["name"], className="me-2"),
            status_badge(cam["status"], cam.get("reason"), lang),
            html.Small(" · " + age_text(cam.get("taken_at"), now, lang), className="text-muted ms-1"),
        ]
    )


def dbc_alert(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="warning", className="py-1 small")
