"""Kecamatan boundaries: matching features to our codes, point-in-polygon, the centroid fallback."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from data_sources.boundaries import BoundariesError, load_boundaries, make_locator, parse_boundaries

SHARED = Path("/work/shared/data/palembang")
GEOJSON = SHARED / "palembang_kecamatan_dari_kelurahan.geojson"


@pytest.fixture(scope="module")
def shared():
    if not GEOJSON.exists():
        pytest.skip(f"shared boundaries file not present: {GEOJSON}")
    return load_boundaries(GEOJSON)


def _square(x0, y0, size):
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def test_every_kecamatan_centroid_locates_to_its_own_kecamatan(shared):
    rows = list(csv.DictReader((SHARED / "palembang_kecamatan.csv").open(encoding="utf-8")))
    assert len(rows) == 18 and len(shared.areas) == 18
    for row in rows:
        lat, lon = float(row["centroid_lat"]), float(row["centroid_lon"])
        assert shared.locate(lat, lon) == row["kode_kemendagri"], row["nama_umum"]


def test_known_points_and_a_point_outside_the_city(shared):
    assert shared.locate(-2.9913, 104.761266) == "16.71.11"  # Benteng Kuto Besak
    assert shared.locate(-3.0219, 104.7881) == "16.71.17"  # Jakabaring Sport City
    assert shared.locate(-6.1754, 106.8272) is None  # Monas, Jakarta
    assert {f["properties"]["kecamatan_code"] for f in shared.feature_collection()["features"]} == {
        f"16.71.{n:02d}" for n in range(1, 19)
    }


def test_locator_falls_back_to_the_nearest_centroid_outside_all_polygons(shared):
    locate = make_locator(GEOJSON)
    # Just south of the city line, in Kabupaten Ogan Ilir: outside every polygon, near Kertapati.
    south = (-3.06, 104.75)
    assert shared.locate(*south) is None
    assert locate(*south) == "16.71.13"
    assert locate(-2.9913, 104.761266) == "16.71.11"
    assert make_locator(None)(-2.9913, 104.761266) == "16.71.11"
    assert make_locator(None)(-6.1754, 106.8272) is None


def test_features_match_by_name_variants_and_respect_holes_and_multipolygons():
    data = {
        "type": "FeatureCollection",
        "features": [
            {  # a square with a square hole, named the way the wild writes it
                "properties": {"NAMOBJ": "Kec. Ilir Timur 1"},
                "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 10), _square(4, 4, 2)]},
            },
            {
                "properties": {"kode": "1671110"},  # not a code we can read (BPS code of a later split)
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[_square(20, 0, 2)], [_square(30, 0, 2)]],
                },
            },
        ],
    }
    with pytest.raises(BoundariesError, match="feature 1"):
        parse_boundaries(data, "t.geojson")
    data["features"][1]["properties"] = {"name": "Bukitkecil", "id": "1671011"}
    b = parse_boundaries(data, "t.geojson")
    assert b.locate(1, 1) == "16.71.05"
    assert b.locate(5, 5) is None  # in the hole
    assert b.locate(1, 21) == b.locate(1, 31) == "16.71.11"
    assert b.locate(1, 25) is None


def test_bad_files_are_named():
    with pytest.raises(BoundariesError, match="not a GeoJSON FeatureCollection"):
        parse_boundaries({"type": "Feature"}, "x.geojson")
    bad_geometry = {"features": [{"properties": {"kode": "16.71.01"}, "geometry": {"type": "Point"}}]}
    with pytest.raises(BoundariesError, match="geometry type 'Point'"):
        parse_boundaries(bad_geometry, "x.geojson")
    twice = {
        "features": [
            {
                "properties": {"kode": "16.71.01"},
                "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)]},
            }
        ]
        * 2
    }
    with pytest.raises(BoundariesError, match="appears twice"):
        parse_boundaries(twice, "x.geojson")
    with pytest.raises(BoundariesError, match="cannot read"):
        load_boundaries("/nonexistent/kecamatan.geojson")


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "k.geojson"
    feature = {
        "properties": {"kode": "16.71.01"},
        "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)]},
    }
    path.write_text(json.dumps({"features": [feature]}))
    assert load_boundaries(path).locate(0.5, 0.5) == "16.71.01"
    feature["properties"] = {"kode": "16.71.02"}
    path.write_text(json.dumps({"features": [feature]}))
    os.utime(path, ns=(1, 10**18))
    assert load_boundaries(path).locate(0.5, 0.5) == "16.71.02"
