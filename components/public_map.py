"""The public camera map and list: markers by health, popup with the latest thumbnail and its age.

Built from store.public_cameras rows (public scope only). No link to the staff camera pages, no
failure reason, no registry code: a citizen sees where, what state, and how fresh the picture is.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from dash import html

from components.camera_tiles import STATUS_COLORS, age_text
from components.i18n import fmt_datetime_wib, t
from components.map_layers import camera_layer

P = "tr"


def thumb_url(cam: dict[str, Any]) -> str | None:
    """The camera's latest thumbnail, or None without a frame; the frame time busts the browser cache."""
    taken = cam.get("taken_at")
    if taken is None:
        return None
    return f"/snapshot/{int(cam['id'])}/latest-thumb.jpg?v={int(taken.timestamp())}"


def _status(cam: dict[str, Any], lang: str) -> str:
    return t(f"cam.status.{cam['status']}", lang)


def camera_popup(cam: dict[str, Any], now: datetime, lang: str) -> str:
    """HTML of a public camera's popup: name, status, thumbnail and its age."""
    src = thumb_url(cam)
    img = (
        f'<img src="{escape(src)}" class="map-popup-img" alt="{escape(cam["name"])}">'
        if src
        else f"<div class='text-muted'>{escape(t('cam.no_frame', lang))}</div>"
    )
    color = STATUS_COLORS.get(cam["status"], STATUS_COLORS["unknown"])
    return (
        f'<div class="map-popup tr-popup"><strong>{escape(cam["name"])}</strong><br>'
        f'<span class="cam-popup-status" style="color:{color}">{escape(_status(cam, lang))}</span>'
        f'{img}<div class="map-popup-age">{escape(age_text(cam.get("taken_at"), now, lang))}</div></div>'
    )


def camera_features(cams: list[dict[str, Any]], now: datetime, lang: str) -> dict[str, Any]:
    """Public cameras as GeoJSON points; properties hold only what the markers and popups show."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                "properties": {
                    "status": c["status"],
                    "popup": camera_popup(c, now, lang),
                    "tooltip": escape(f"{c['name']} · {_status(c, lang)}"),
                },
            }
            for c in cams
        ],
    }


def cameras_layer(data: dict[str, Any]):
    return camera_layer(f"{P}-cameras", data)


def summary_text(cams: list[dict[str, Any]], lang: str) -> str:
    online = sum(1 for c in cams if c["status"] == "online")
    return t("tr.cameras.summary", lang, n=len(cams), online=online)


def camera_list(cams: list[dict[str, Any]], now: datetime, lang: str) -> html.Div:
    """Small tiles of the public cameras' latest pictures , for phones and lists alike."""
    if not cams:
        return html.Div(t("tr.cameras.none", lang), className="text-muted small")
    tiles = []
    for c in cams:
        src = thumb_url(c)
        color = STATUS_COLORS.get(c["status"], STATUS_COLORS["unknown"])
        picture = (
            html.Img(src=src, alt=c["name"], className="cam-img")
            if src
            else html.Div(t("cam.no_frame", lang), className="small text-white-50")
        )
        tiles.append(
            html.Div(
                [
                    html.Div(picture, className="cam-frame"),
                    html.Div(
                        [
                            html.Div(c["name"], className="cam-name", title=c["name"]),
                            html.Div(
                                [
                                    html.Span(className="cam-dot", style={"backgroundColor": color}),
                                    html.Span(_status(c, lang), className="me-2"),
                                    # Without a frame the picture already says so.
                                    html.Span(
                                        age_text(c["taken_at"], now, lang) if src else "", className="cam-age"
                                    ),
                                ],
                                className="small text-nowrap overflow-hidden",
                            ),
                        ],
                        className="cam-caption",
                    ),
                ],
                className=f"cam-tile cam-tile-{c['status']} tr-cam",
            )
        )
    # Smaller tiles than the staff grid: two a row on a phone, and a column beside the map that
    # scrolls (inline, so the page needs no stylesheet of its own).
    return html.Div(
        tiles,
        className="cam-grid tr-cam-grid",
        style={"gridTemplateColumns": "repeat(auto-fill, minmax(150px, 1fr))", "gap": "0.5rem"},
    )


def checked_text(when: datetime | None, lang: str) -> str:
    if when is None:
        return t("cam.checked.none", lang)
    return t("tr.cameras.checked", lang, when=fmt_datetime_wib(when, lang))
