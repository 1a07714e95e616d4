"""Pure builders of the camera pages and the map: ages, popups, kecamatan matching, binned points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from components.camera_tiles import age_text, status_text, thumb_src, tile_class
from components.map_layers import camera_popup, kecamatan_points, kecamatan_polygons, metric_max
from store.camera_read import kecamatan_names

NOW = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


def test_age_texts_in_both_languages():
    assert age_text(NOW - timedelta(seconds=20), NOW, "id") == "baru saja"
    assert age_text(NOW - timedelta(minutes=7, seconds=40), NOW, "id") == "7 menit lalu"
    assert age_text(NOW - timedelta(hours=3), NOW, "en") == "3 hours ago"
    assert age_text(NOW - timedelta(days=3), NOW, "id") == "3 hari lalu"
    assert age_text(None, NOW, "id") == "Belum ada gambar"
    assert age_text(pd.NaT, NOW, "id") == "Belum ada gambar"


def test_status_text_names_the_reason_of_an_offline_camera():
    assert status_text("offline", "timeout", "id") == "Mati (waktu habis)"
    assert status_text("offline", "weird", "en") == "Offline (weird)"
    assert status_text("online", None, "en") == "Online"


def test_status_text_says_a_stale_camera_has_no_new_frame():
    # Stored by mark_stale, or noticed by the reader from an old frame (any stored reason).
    assert status_text("stale", "no_new_frame", "id") == "Basi (tidak ada gambar baru)"
    assert status_text("stale", None, "en") == "Stale (no new frame)"
    assert status_text("stale", "frozen", "en") == "Stale (no new frame)"


def test_dead_tiles_are_dimmed_live_ones_not():
    assert "cam-tile-dim" in tile_class("offline") and "cam-tile-dim" in tile_class("stale")
    assert "cam-tile-dim" not in tile_class("online") and "cam-tile-dim" not in tile_class("frozen")
    assert thumb_src(None) is None and thumb_src(12) == "/snapshot/frame/12-thumb.jpg"


def test_popup_escapes_camera_names():
    cam = {
        "name": "<script>x</script>",
        "code": "a&b",
        "status": "online",
        "snapshot_id": 5,
        "taken_at": NOW - timedelta(minutes=2),
        "reason": None,
    }
    html = camera_popup(cam, NOW, "id")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "/snapshot/frame/5-thumb.jpg" in html and "2 menit lalu" in html
    assert 'href="/kamera?kamera=a&amp;b"' in html


def _figures() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "code": "16.71.01",
                "name": "Ilir Barat II",
                "lat": -3.0,
                "lon": 104.7,
                "complaints": 10,
                "per_km2": 2.4,
                "resolved_pct": 50.0,
            },
            {
                "code": "16.71.02",
                "name": "Seberang Ulu I",
                "lat": -3.0,
                "lon": 104.8,
                "complaints": 4,
                "per_km2": 1.0,
                "resolved_pct": None,
            },
        ]
    )


def test_polygons_match_by_code_or_by_any_known_name():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    shapes = {
        "features": [
            {"properties": {"kode_kemendagri": "16.71.01"}, "geometry": square},
            {"properties": {"nama": "SU I"}, "geometry": square},
            {"properties": {"nama": "Somewhere else"}, "geometry": square},
        ]
    }
    out = kecamatan_polygons(shapes, _figures(), kecamatan_names(), "id")
    assert [f["properties"]["code"] for f in out["features"]] == ["16.71.01", "16.71.02"]
    assert out["features"][0]["properties"]["complaints"] == 10


def test_circles_carry_the_figures_and_scales_run_to_the_maximum():
    pts = kecamatan_points(_figures(), "id")
    assert pts["features"][1]["geometry"]["coordinates"] == [104.8, -3.0]
    assert metric_max(_figures()) == {"complaints": 10.0, "per_km2": 2.4, "resolved_pct": 100.0}
