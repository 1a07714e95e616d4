"""The tile proxy's pure parts: the upstream URL, image sniffing, the settings, and the map's tile layer."""

from __future__ import annotations

import pytest

from components.map_layers import TILE_PATH, base_map
from config import OSM_ATTRIBUTION, ConfigError, load
from data_sources.tiles import image_type, tile_url
from routes.tiles import blank_png


def test_the_upstream_url_fills_every_leaflet_placeholder():
    assert tile_url("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png?k={key}", 12, 3276, 2067) == (
        "https://a.tile.example.org/12/3276/2067.png?k={key}"
    )
    # TMS servers count rows from the bottom.
    assert tile_url("http://tms.example/{z}/{x}/{-y}.png", 3, 1, 0) == "http://tms.example/3/1/7.png"


def test_images_are_recognised_by_their_bytes_not_their_name():
    assert image_type(blank_png()) == "image/png"
    assert image_type(b"\xff\xd8\xff\xe0" + b"\0" * 20) == "image/jpeg"
    assert image_type(b"RIFF\x10\0\0\0WEBPVP8 ") == "image/webp"
    assert image_type(b"<html><body>Login to the Wi-Fi</body></html>") is None
    assert image_type(b"") is None


def test_tile_settings_default_to_openstreetmap_with_its_credit(tmp_path):
    s = load({"DATA_DIR": str(tmp_path)})
    assert s.tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert s.tile_cache_days == 30
    assert s.tile_attribution == OSM_ATTRIBUTION and "OpenStreetMap" in OSM_ATTRIBUTION


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/assets/tiles/{z}/{x}/{y}.png", "TILE_URL: expected an http:// or https:// URL"),
        ("https://tiles.example/{z}/{x}.png", "TILE_URL: the template needs {z}, {x} and {y}"),
    ],
)
def test_a_tile_url_the_server_cannot_fetch_is_refused_at_start(tmp_path, value, expected):
    with pytest.raises(ConfigError, match=expected.replace("{", r"\{").replace("}", r"\}")):
        load({"DATA_DIR": str(tmp_path), "TILE_URL": value})


def test_tile_cache_days_is_checked(tmp_path):
    with pytest.raises(ConfigError, match="TILE_CACHE_DAYS: 0 is outside"):
        load({"DATA_DIR": str(tmp_path), "TILE_CACHE_DAYS": "0"})


def test_the_map_asks_our_proxy_for_tiles_and_credits_the_tile_data():
    layer = base_map("m", [], "id", attribution=OSM_ATTRIBUTION).children.children[0].children
    assert layer.url == TILE_PATH == "/tiles/{z}/{x}/{y}.png"
    assert layer.attribution == OSM_ATTRIBUTION
    assert layer.maxZoom == 19
