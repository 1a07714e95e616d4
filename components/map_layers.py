"""GeoJSON data and dash-leaflet layers of the city map (pure builders).

Styling runs in the browser through functions in assets/lawangjabo_map.js (window.lawangJabo.map),
driven by each layer's `hideout`: a refresh sends data only and never touches the map's view.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

import dash_leaflet as dl
import pandas as pd
from dash import html

from components.camera_tiles import STATUS_COLORS, age_text, status_text, thumb_src
from components.i18n import fmt_int, fmt_num, fmt_pct, t

CITY_CENTER = (-2.976, 104.775)
CITY_ZOOM = 12
CAMERA_CLUSTER_ABOVE = 150  # a few dozen cameras read best unclustered
POINT_CLUSTER_ABOVE = 200
METRICS = ("complaints", "per_km2", "resolved_pct")
# Our own tile proxy (routes/tiles.py), never the tile server itself: the browser then asks no
# other host, and with no network it still gets a tile for every request (cached or blank).
TILE_PATH = "/tiles/{z}/{x}/{y}.png"
MAX_ZOOM = 19  # the deepest zoom routes/tiles.py serves


def js(name: str) -> dict[str, str]:
    """A reference to a function of window.lawangJabo.map, as dash-leaflet takes it."""
    return {"variable": f"lawangJabo.map.{name}"}


def _point(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def camera_popup(cam: dict[str, Any], now: datetime, lang: str) -> str:
    """HTML of a camera's popup: name, status, latest thumbnail with its age, link to its tile."""
    src = thumb_src(cam.get("snapshot_id"))
    img = (
        f'<img src="{src}" class="map-popup-img" alt="">'
        if src
        else f"<div>{escape(t('cam.no_frame', lang))}</div>"
    )
    return (
        f'<div class="map-popup"><strong>{escape(cam["name"])}</strong><br>'
        f'<span class="cam-popup-status" style="color:{STATUS_COLORS.get(cam["status"], "#757575")}">'
        f"{escape(status_text(cam['status'], cam.get('reason'), lang))}</span>"
        f'{img}<div class="map-popup-age">{escape(age_text(cam.get("taken_at"), now, lang))}</div>'
        f'<a href="/kamera?kamera={escape(cam["code"])}">{escape(t("cam.open_tile", lang))}</a></div>'
    )


def camera_features(cams: pd.DataFrame, now: datetime, lang: str) -> dict[str, Any]:
    """Cameras as GeoJSON points with status, popup and tooltip."""
    feats = [
        _point(
            float(c["lon"]),
            float(c["lat"]),
            {
                "code": c["code"],
                "status": c["status"],
                "popup": camera_popup(c, now, lang),
                "tooltip": escape(f"{c['name']} · {t('cam.status.' + c['status'], lang)}"),
            },
        )
        for c in cams.to_dict("records")
    ]
    return {"type": "FeatureCollection", "features": feats}


def camera_layer(layer_id: str, data: dict[str, Any]) -> dl.GeoJSON:
    return dl.GeoJSON(
        id=layer_id,
        data=data,
        cluster=len(data["features"]) > CAMERA_CLUSTER_ABOVE,
        zoomToBounds=False,
        zoomToBoundsOnClick=True,
        pointToLayer=js("cameraMarker"),
        clusterToLayer=js("clusterIcon"),
        hideout={"colors": STATUS_COLORS},
    )


def _props(row: dict[str, Any], lang: str) -> dict[str, Any]:
    tip = (
        f"{row['name']}: {fmt_int(row['complaints'], lang)} {t('col.complaints', lang).lower()} · "
        f"{fmt_num(row['per_km2'], lang)}/km² · "
        f"{fmt_pct(row['resolved_pct'], lang)} {t('col.resolved', lang).lower()}"
    )
    return {
        "code": row["code"],
        "name": row["name"],
        "complaints": row["complaints"],
        "per_km2": row["per_km2"],
        "resolved_pct": row["resolved_pct"],
        "tooltip": escape(tip),
    }


def metric_max(figures: pd.DataFrame) -> dict[str, float]:
    """The largest value of each metric (colour and size scales run from 0 to it)."""
    return {m: float(figures[m].max() or 0) if figures[m].notna().any() else 0.0 for m in METRICS} | {
        "resolved_pct": 100.0
    }


SCALE = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")  # as in lawangjabo_map.js


def scale_legend(metric: str, hideout: dict[str, Any], days: int, lang: str) -> html.Div:
    """The colour key of the kecamatan layer: what is measured, over which period, from 0 to the top."""
    top = (hideout.get("max") or {}).get(metric, 0)
    fmt = fmt_pct if metric == "resolved_pct" else fmt_num if metric == "per_km2" else fmt_int
    return html.Div(
        [
            html.Div(
                f"{t('peta.metric.' + metric, lang)} · {t('period.days', lang, n=days)}", className="small"
            ),
            html.Div(
                [html.Span(style={"background": c}, className="map-scale-step") for c in SCALE],
                className="map-scale",
            ),
            html.Div(
                [html.Span(fmt(0, lang)), html.Span(fmt(top, lang))],
                className="d-flex justify-content-between small text-muted",
            ),
        ],
        id="peta-scale-body",
    )


def _code_of(props: dict[str, Any], names: dict[str, str]) -> str | None:
    for key in ("kecamatan_code", "code", "kode", "kode_kemendagri", "kd_kecamatan"):
        if props.get(key):
            return str(props[key])
    for key in ("name", "nama", "nama_umum", "nama_kepmendagri", "kecamatan", "NAMOBJ"):
        value = props.get(key)
        if value and str(value).strip().lower() in names:
            return names[str(value).strip().lower()]
    return None


def kecamatan_polygons(
    boundaries: dict[str, Any], figures: pd.DataFrame, names: dict[str, str], lang: str
) -> dict[str, Any]:
    """The boundary GeoJSON with each kecamatan's figures put in its properties (matched by code or name)."""
    by_code = {r["code"]: r for r in figures.to_dict("records")}
    feats = []
    for feat in boundaries.get("features", []):
        code = _code_of(feat.get("properties") or {}, names)
        if code in by_code:
            feats.append(
                {"type": "Feature", "geometry": feat["geometry"], "properties": _props(by_code[code], lang)}
            )
    return {"type": "FeatureCollection", "features": feats}


def kecamatan_points(figures: pd.DataFrame, lang: str) -> dict[str, Any]:
    """One point per kecamatan at its centroid, with its figures (the no-boundaries fallback)."""
    return {
        "type": "FeatureCollection",
        "features": [_point(r["lon"], r["lat"], _props(r, lang)) for r in figures.to_dict("records")],
    }


def kecamatan_layer(
    layer_id: str, data: dict[str, Any], polygons: bool, hideout: dict[str, Any]
) -> dl.GeoJSON:
    """Choropleth of polygons, or proportional circles at the centroids."""
    extra = {"style": js("kecamatanStyle")} if polygons else {"pointToLayer": js("kecamatanCircle")}
    return dl.GeoJSON(id=layer_id, data=data, zoomToBounds=False, hideout=hideout, **extra)


def points_features(lat: list[float], lon: list[float], count: list[int]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [_point(x, y, {"count": n}) for y, x, n in zip(lat, lon, count, strict=True)],
    }


def points_layer(layer_id: str, data: dict[str, Any], binned: bool) -> dl.GeoJSON:
    """Complaint points: clustered in the browser when raw, sized cells when binned on the server."""
    return dl.GeoJSON(
        id=layer_id,
        data=data,
        cluster=not binned and len(data["features"]) > POINT_CLUSTER_ABOVE,
        zoomToBounds=False,
        zoomToBoundsOnClick=True,
        pointToLayer=js("complaintPoint"),
        clusterToLayer=js("clusterIcon"),
        superClusterOptions={"radius": 60},
        hideout={"max": max(count) if (count := [f["properties"]["count"] for f in data["features"]]) else 1},
    )


def base_map(
    map_id: str,
    overlays: list[tuple[str, Any, bool]],
    lang: str,
    *,
    attribution: str,
    height: str = "68vh",
) -> dl.Map:
    """The map with the tile layer and a layer control over the given (name, layer, checked) overlays.

    `attribution` (HTML, from TILE_ATTRIBUTION) credits the tile server's data in the map corner:
    OpenStreetMap's licence requires it, and the proxy hides where the tiles come from.
    """
    return dl.Map(
        dl.LayersControl(
            [
                dl.BaseLayer(
                    dl.TileLayer(url=TILE_PATH, maxZoom=MAX_ZOOM, attribution=attribution),
                    name=t("peta.layer.base", lang),
                    checked=True,
                )
            ]
            + [dl.Overlay(layer, name=name, checked=checked) for name, layer, checked in overlays],
            collapsed=False,
        ),
        id=map_id,
        center=list(CITY_CENTER),
        zoom=CITY_ZOOM,
        style={"height": height, "width": "100%"},
    )
