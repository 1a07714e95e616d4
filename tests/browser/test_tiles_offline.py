"""The maps with no tile server: every tile comes from our proxy, and the browser logs nothing.

Every browser test's app has a refused loopback port as TILE_URL (conftest.serve_app), which is
what a Command Center without network looks like to the server. Before the proxy, Chromium logged
one "Failed to load resource" per tile there: about 40 on Peta, 48 on the wall.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from routes.tiles import BLANK_CACHE
from tests.browser.test_pages_smoke import wait_for_dash

pytestmark = pytest.mark.browser

# Leaflet marks each tile image complete once it has loaded or failed; failed ones lack the class
# leaflet-tile-loaded, so waiting for `complete` and then checking the class catches both.
TILES_SETTLED_JS = """() => {
    const tiles = [...document.querySelectorAll('img.leaflet-tile')];
    return tiles.length > 0 && tiles.every(t => t.complete);
}"""
TILES_JS = """() => [...document.querySelectorAll('img.leaflet-tile')].map(t => ({
    src: t.src, loaded: t.classList.contains('leaflet-tile-loaded'), width: t.naturalWidth,
}))"""


@pytest.mark.parametrize(
    ("path", "visitor"),
    [("/peta", "page"), ("/dinding?detik=600", "page"), ("/transparansi", "anon_page")],
)
def test_a_map_without_a_tile_server_shows_blank_tiles_and_logs_no_error(request, app_server, path, visitor):
    pg = request.getfixturevalue(visitor)  # admin for the staff pages, anonymous for the public one
    tiles, failed = [], []
    pg.on(
        "response",
        lambda r: (
            urlsplit(r.url).path.startswith("/tiles/")
            and tiles.append((urlsplit(r.url).path, r.status, r.headers.get("content-type"), r.headers))
        ),
    )
    pg.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))

    log_start = app_server.log_size()
    pg.goto(app_server.url + path)
    wait_for_dash(pg)
    pg.wait_for_function(TILES_SETTLED_JS)

    shown = pg.evaluate(TILES_JS)
    origin = app_server.url + "/tiles/"
    assert shown and all(t["src"].startswith(origin) for t in shown), shown
    assert all(t["loaded"] and t["width"] == 256 for t in shown), shown
    assert len(tiles) >= len(shown)
    for tile_path, status, ctype, headers in tiles:
        assert (status, ctype) == (200, "image/png"), tile_path
        assert headers.get("cache-control") == BLANK_CACHE, tile_path  # the blank stand-in
    assert pg.locator(".leaflet-control-attribution").inner_text().count("OpenStreetMap") == 1
    assert failed == []
    assert pg.errors == []
    # The tiles are blank because the server could not reach the tile server, and it said so (once
    # per outage, so perhaps during an earlier test of this server).
    assert "tile server failed (ConnectionError" in app_server.log_since(0)
    assert "Traceback" not in app_server.log_since(log_start)
