"""Kamera and the wall mode in real Chromium: tiles, filters in the address, per-tile refresh, large view."""
# ruff: noqa: F811 - the fixtures imported from camera_app are test arguments by design

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from store.db import make_engine
from tests.browser.camera_app import cam_page, camera_app  # noqa: F401  (fixtures)
from tests.browser.test_pages_smoke import wait_for_dash
from tests.fixtures import cameras_world

pytestmark = pytest.mark.browser


def _tile(page, code: str):
    return page.locator(f".cam-tile[data-code='{code}']")


def test_every_camera_has_a_tile_with_its_status_and_dead_ones_are_greyed(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera")
    wait_for_dash(cam_page)
    assert cam_page.locator(".cam-tile").count() == len(cameras_world.CAMERAS)
    for code, status in camera_app.world.expected_status.items():
        tile = _tile(cam_page, code)
        assert f"cam-tile-{status}" in tile.get_attribute("class"), code
        dim = "cam-tile-dim" in tile.get_attribute("class")
        assert dim == (status in ("stale", "offline", "unknown")), code
    # The offline camera keeps its last good frame, and the image really loads.
    img = _tile(cam_page, "cam-offline").locator("img")
    cam_page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    assert (
        "menit lalu" in _tile(cam_page, "cam-online-a").inner_text()
        or "baru saja" in _tile(cam_page, "cam-online-a").inner_text()
    )
    assert "Mati (waktu habis)" in _tile(cam_page, "cam-offline").inner_text()
    assert cam_page.errors == []


def test_tile_captions_stay_inside_the_narrowest_tile(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera")
    wait_for_dash(cam_page)
    # 230 px is the grid's minmax() minimum in lawangjabo_cameras.css: the narrowest tile a screen gets.
    cam_page.add_style_tag(content=".cam-grid { grid-template-columns: repeat(auto-fill, 230px); }")
    spills = cam_page.locator(".cam-tile").evaluate_all(
        """tiles => tiles.flatMap(tile => {
            const right = tile.getBoundingClientRect().right;
            return [...tile.querySelectorAll('.cam-caption span')]
                .filter(el => el.getBoundingClientRect().right > right + 0.5)
                .map(el => tile.dataset.code + ': ' + el.textContent);
        })"""
    )
    assert spills == []


def test_filters_change_the_grid_and_the_address(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera")
    wait_for_dash(cam_page)
    cam_page.locator("#kam-f-status").click()
    cam_page.get_by_role("option", name="Mati").click()
    cam_page.wait_for_function("() => window.location.search.includes('status=offline')")
    wait_for_dash(cam_page)
    assert cam_page.locator(".cam-tile").count() == 1
    assert _tile(cam_page, "cam-offline").count() == 1
    shared = cam_page.url
    cam_page.goto(camera_app.url + "/kamera?cakupan=internal")
    wait_for_dash(cam_page)
    assert cam_page.locator(".cam-tile").count() == 2
    cam_page.goto(shared)
    wait_for_dash(cam_page)
    assert cam_page.locator(".cam-tile").count() == 1
    assert cam_page.errors == []


def test_a_refresh_changes_only_the_tile_whose_snapshot_changed(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera")
    wait_for_dash(cam_page)
    changing = _tile(cam_page, "cam-online-a").locator("img")
    steady = _tile(cam_page, "cam-online-b").locator("img")
    before_src, steady_src = changing.get_attribute("src"), steady.get_attribute("src")
    # A mark on the DOM node survives only if React leaves the node alone.
    steady.evaluate("el => el.setAttribute('data-mark', 'kept')")
    engine = make_engine(camera_app.db_url)
    try:
        new_id = cameras_world.add_frame(
            engine, camera_app.world.snapshot_dir, "cam-online-a", datetime.now(UTC)
        )
    finally:
        engine.dispose()
    cam_page.wait_for_function(
        "([el, src]) => el.getAttribute('src') === src",
        arg=[changing.element_handle(), f"/snapshot/frame/{new_id}-thumb.jpg"],
        timeout=30_000,
    )
    assert changing.get_attribute("src") != before_src
    assert steady.get_attribute("data-mark") == "kept"
    assert steady.get_attribute("src") == steady_src
    assert cam_page.errors == []


def test_clicking_a_tile_opens_the_last_12_frames_and_the_health_history(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera")
    wait_for_dash(cam_page)
    _tile(cam_page, "cam-offline").locator("button").click()
    modal = cam_page.locator(".modal.show")
    modal.wait_for()
    assert "Simpang Lima DPRD" in modal.inner_text()
    assert modal.locator(".cam-frame-thumb").count() == 12
    modal.locator("#kam-health .main-svg").first.wait_for()
    modal.locator("#kam-uptime .main-svg").first.wait_for()
    assert modal.locator("#kam-uptime .bars .point").count() == 30
    assert cam_page.errors == []


def test_map_popup_link_opens_the_large_view_directly(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/kamera?kamera=cam-frozen")
    wait_for_dash(cam_page)
    modal = cam_page.locator(".modal.show")
    modal.wait_for()
    assert "Jl. Kapten A. Rivai" in modal.inner_text()
    assert cam_page.errors == []


def _view_title(page) -> str:
    return page.locator("#dinding-view-title").inner_text()


def test_wall_mode_cycles_views_and_a_key_pauses_it(cam_page, camera_app):
    cam_page.goto(camera_app.url + "/dinding?detik=3")
    wait_for_dash(cam_page)
    assert not cam_page.locator("nav.navbar").is_visible()
    assert _view_title(cam_page) == "Peta"
    cam_page.wait_for_function(
        "() => document.querySelector('#dinding-view-title').innerText === 'Kamera'", timeout=20_000
    )
    assert cam_page.locator("#dinding-view-tiles").is_visible()
    assert not cam_page.locator("#dinding-view-map").is_visible()
    cam_page.wait_for_function(
        "() => document.querySelector('#dinding-view-title').innerText.startsWith('Kinerja')", timeout=20_000
    )
    assert cam_page.locator("#dinding-view-kpis .kpi-value").count() == 5
    cam_page.keyboard.press("Space")
    cam_page.wait_for_function("() => document.querySelector('#dinding-pause').innerText === 'Lanjut'")
    paused_on = _view_title(cam_page)
    deadline = time.monotonic() + 8  # more than two cycles: a running wall would have moved on
    while time.monotonic() < deadline:
        assert _view_title(cam_page) == paused_on
        cam_page.wait_for_timeout(250)
    cam_page.keyboard.press("ArrowRight")
    cam_page.wait_for_function(
        f"() => document.querySelector('#dinding-view-title').innerText !== '{paused_on}'"
    )
    assert cam_page.errors == []
