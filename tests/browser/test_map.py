"""Peta in real Chromium: markers by health, popups, choropleth or circles, kecamatan click, kept view."""
# ruff: noqa: F811 - the fixtures imported from camera_app are test arguments by design

from __future__ import annotations

import re

import pytest

from components.camera_tiles import STATUS_COLORS
from tests.browser.camera_app import cam_page, camera_app  # noqa: F401  (fixtures)
from tests.browser.test_pages_smoke import wait_for_dash

pytestmark = pytest.mark.browser

POLYGONS = ".leaflet-overlay-pane path:not(.cam-marker):not(.kec-circle):not(.complaint-point)"


def _settled_box(page, locator) -> dict:
    """The element's box once it stops moving (Leaflet animates pans and zooms)."""
    last = locator.bounding_box()
    for _ in range(100):
        page.wait_for_timeout(100)
        box = locator.bounding_box()
        if box == last:
            return box
        last = box
    raise AssertionError("the map never stopped moving")


def _open_map(page, url: str) -> None:
    page.goto(url + "/peta")
    wait_for_dash(page)
    page.locator(".cam-marker").first.wait_for()


def test_camera_markers_are_coloured_by_status(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    assert cam_page.locator(".cam-marker").count() == len(camera_app.world.ids)
    for code, status in camera_app.world.expected_status.items():
        marker = cam_page.locator(f".cam-marker-{status}").first
        assert marker.get_attribute("fill").lower() == STATUS_COLORS[status], code
    assert cam_page.errors == []


def test_popup_shows_the_latest_thumbnail_its_age_and_a_tile_link(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    cam_page.locator(".cam-marker-offline").dispatch_event("click")
    popup = cam_page.locator(".leaflet-popup-content")
    popup.wait_for()
    img = popup.locator("img.map-popup-img")
    cam_page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    assert re.search(r"\d+ (jam|menit) lalu", popup.inner_text())
    assert popup.locator("a").get_attribute("href") == "/kamera?kamera=cam-offline"
    assert cam_page.errors == []


def test_choropleth_with_boundaries_and_a_click_links_to_statistik(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    assert cam_page.locator(POLYGONS).count() == 18
    assert cam_page.locator(".kec-circle").count() == 0
    fills = set(cam_page.locator(POLYGONS).evaluate_all("els => els.map(e => e.getAttribute('fill'))"))
    assert len(fills) > 1  # coloured by value, not one flat colour
    cam_page.locator(POLYGONS).nth(3).dispatch_event("click")
    link = cam_page.locator("#peta-to-stats")
    link.wait_for()
    href = link.get_attribute("href")
    assert re.search(r"kecamatan=16\.71\.\d\d", href) and "dari=" in href and "sampai=" in href
    link.click()
    cam_page.wait_for_url(re.compile(r"/statistik\?.*kecamatan=16\.71\.\d\d"))
    wait_for_dash(cam_page)
    assert cam_page.locator("#stat-bad-filter").count() == 0
    assert cam_page.errors == []


def test_cameras_stay_on_top_of_the_kecamatan_layer_after_it_is_restyled(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    # A click restyles the choropleth (hideout), and dash-leaflet draws the layer again.
    cam_page.locator(POLYGONS).nth(3).dispatch_event("click")
    cam_page.locator("#peta-to-stats").wait_for()
    on_top = cam_page.locator(".cam-marker").evaluate_all(
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return hit !== null && hit.classList.contains('cam-marker');
        })"""
    )
    assert len(on_top) == len(camera_app.world.ids) and all(on_top), on_top
    assert cam_page.errors == []


def test_without_boundaries_kecamatan_are_circles_at_the_centroids(page, live_app):
    page.goto(live_app + "/peta")
    wait_for_dash(page)
    page.locator(".kec-circle").first.wait_for()
    assert page.locator(".kec-circle").count() == 18
    assert page.locator(POLYGONS).count() == 0
    assert page.errors == []


def test_an_interval_refresh_keeps_the_users_zoom_and_pan(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    marker = cam_page.locator(".cam-marker-frozen")
    start = marker.bounding_box()
    box = cam_page.locator("#peta-map").bounding_box()
    x, y = box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8
    cam_page.mouse.move(x, y)
    cam_page.mouse.down()
    cam_page.mouse.move(x + 150, y - 90, steps=8)
    cam_page.mouse.up()
    cam_page.locator(".leaflet-control-zoom-in").click()
    moved = _settled_box(cam_page, marker)
    assert abs(moved["x"] - start["x"]) > 50
    # Two refreshes of the camera layer arrive (LIVE_REFRESH_S=2), each replacing the markers.
    for _ in range(2):
        with cam_page.expect_response(
            lambda r: "_dash-update-component" in r.url and "peta-cameras" in (r.request.post_data or ""),
            timeout=30_000,
        ):
            pass
    after = _settled_box(cam_page, cam_page.locator(".cam-marker-frozen"))
    assert abs(after["x"] - moved["x"]) < 2 and abs(after["y"] - moved["y"]) < 2
    assert cam_page.errors == []


def test_complaint_points_layer_clusters_when_switched_on(cam_page, camera_app):
    _open_map(cam_page, camera_app.url)
    assert cam_page.locator(".lj-cluster, .complaint-point").count() == 0  # off by default
    cam_page.locator(".leaflet-control-layers-overlays label", has_text="Titik aduan").locator(
        "input"
    ).check()
    cam_page.locator(".lj-cluster").first.wait_for()
    note = cam_page.locator("#peta-points-note").inner_text()
    total = int(re.sub(r"\D", "", note.split(" ")[0]))
    shown = (
        sum(
            int(x.replace(".", "").replace("k", "000"))
            for x in cam_page.locator(".lj-cluster span").all_inner_texts()
        )
        + cam_page.locator(".complaint-point").count()
    )
    assert shown == total  # every point of the period is in a cluster or drawn on its own
    assert cam_page.errors == []
