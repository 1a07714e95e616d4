"""Map data shared by Peta and the wall mode, from store queries and component builders (no Dash here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from components import map_layers as ml
from components.i18n import WIB
from config import get_settings
from store.camera_read import cameras, complaint_points, kecamatan_figures, kecamatan_names
from store.db import get_engine
from store.filters import Filter

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30


def period_filter(days: int) -> Filter:
    today = datetime.now(UTC).astimezone(WIB).date()
    return Filter(start=today - timedelta(days=days - 1), end=today)


def boundaries() -> dict[str, Any] | None:
    """The kecamatan polygons of BOUNDARIES_PATH as GeoJSON (properties.kecamatan_code), or None."""
    path = get_settings().boundaries_path
    if path is None:
        return None
    from data_sources.boundaries import load_boundaries  # cached per path and modification time

    return load_boundaries(path).feature_collection()


def camera_data(lang: str, now: datetime) -> tuple[dict[str, Any], Any]:
    """GeoJSON of the cameras and the frame of cameras (for the summary line)."""
    s = get_settings()
    cams = cameras(get_engine(), now, s.snapshot_interval_s)
    return ml.camera_features(cams, now, lang), cams


def kecamatan_data(days: int, metric: str, lang: str, now: datetime) -> tuple[dict, dict, bool]:
    """(GeoJSON, hideout, polygons?) of the kecamatan layer for the period."""
    figures = kecamatan_figures(get_engine(), period_filter(days), now, lang)
    hideout = {"metric": metric, "max": ml.metric_max(figures)}
    shapes = boundaries()
    if shapes is not None:
        return ml.kecamatan_polygons(shapes, figures, kecamatan_names(), lang), hideout, True
    return ml.kecamatan_points(figures, lang), hideout, False


def points_data(days: int) -> tuple[dict[str, Any], bool, int]:
    pts = complaint_points(get_engine(), period_filter(days))
    return ml.points_features(pts.lat, pts.lon, pts.count), pts.binned, pts.total
