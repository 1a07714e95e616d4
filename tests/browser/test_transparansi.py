"""Transparansi in real Chromium, as an anonymous citizen, on the camera world plus demo complaints.

The figures on the page must equal store.public's answers for the same filter, small counts
must read "<3", only public cameras may reach the browser, and the open-data links must answer.
"""
# ruff: noqa: F811 - the fixtures imported from camera_app are test arguments by design

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from components.i18n import WIB, fmt_pct
from components.public_figures import count_text, days_text
from store.db import make_engine
from store.filters import Filter
from store.public import SUPPRESSED, public_breakdown, public_kpis
from tests.browser.camera_app import camera_app  # noqa: F401  (fixture)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_pages_smoke import HIDE_DEV_TOOLS_CSS, wait_for_dash
from tests.fixtures import cameras_world

pytestmark = pytest.mark.browser

DIMS = {"kecamatan": "kecamatan", "category": "category", "agency": "agency"}
INTERNAL = [c for c in cameras_world.CAMERAS if c[5] == "internal"]
PUBLIC = [c for c in cameras_world.CAMERAS if c[5] == "publik"]


@pytest.fixture
def visitor(browser, camera_app):
    """An anonymous visitor: a fresh browser context that never logged in.

    TODO(anon_page): use the lead's `anon_page` fixture (tests/browser/conftest.py) once it can
    serve the camera world; a context without a session cookie is anonymous by construction.
    `visitor.errors` collects console errors, page errors, failed app responses and requests
    leaving the machine; `visitor.bodies` the text of every Dash answer, to search for leaks.
    """
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    pg = _instrument(context, camera_app.url)
    yield pg
    context.close()


def _instrument(context, base: str):
    origin = urlsplit(base).netloc
    errors: list[str] = []
    bodies: list[str] = []

    def outside(route) -> None:
        errors.append(f"request leaves the machine: {route.request.url}")
        route.abort("blockedbyclient")

    def response(resp) -> None:
        if urlsplit(resp.url).netloc != origin:
            return
        if resp.status >= 400:
            errors.append(f"HTTP {resp.status} {resp.request.method} {urlsplit(resp.url).path}")
        elif "_dash-" in resp.url:
            # A body can be gone after a navigation; its status was fine.
            with contextlib.suppress(Exception):
                bodies.append(json.dumps(resp.json(), ensure_ascii=False))

    context.route(lambda u: urlsplit(u).netloc != origin and u.startswith("http"), outside)
    pg = context.new_page()
    pg.errors, pg.bodies = errors, bodies
    pg.set_default_navigation_timeout(90_000)
    pg.set_default_timeout(60_000)
    pg.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text[:400]}"))
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    pg.on("response", response)
    return pg


def _window(days_back: int = 10, days: int = 31) -> Filter:
    """A closed period ending `days_back` days ago: its figures do not move while the test runs."""
    end = datetime.now(UTC).astimezone(WIB).date() - timedelta(days=days_back)
    return Filter(start=end - timedelta(days=days - 1), end=end)


def _url(base: str, f: Filter) -> str:
    return base + "/transparansi?" + "&".join(f"{k}={v}" for k, v in f.to_params().items())


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_dash(page)


def _row_cells(page, by: str, key: str) -> list[str]:
    row = page.locator(f"#tr-table-{by} tr[data-key='{key}']")
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def _expected_cells(row: dict, lang: str = "id") -> list[str]:
    return [
        row["name"],
        count_text(row["complaints"], lang),
        fmt_pct(row["resolved_pct"], lang),
        fmt_pct(row["sla_pct"], lang),
        days_text(row["median_days"], lang),
        count_text(row["open_beyond_sla"], lang),
    ]


def _engine(camera_app):
    return make_engine(camera_app.db_url)


def test_kpis_and_tables_equal_the_public_answers(visitor, camera_app):
    f = _window()
    engine = _engine(camera_app)
    try:
        k = public_kpis(engine, f)
        rows = {by: public_breakdown(engine, f, by) for by in DIMS}
    finally:
        engine.dispose()
    _open(visitor, _url(camera_app.url, f))
    assert visitor.locator("#tr-kpi-complaints").inner_text() == count_text(k["complaints"], "id")
    assert visitor.locator("#tr-kpi-resolved_pct").inner_text() == fmt_pct(k["resolved_pct"], "id")
    assert visitor.locator("#tr-kpi-sla_pct").inner_text() == fmt_pct(k["sla_pct"], "id")
    assert visitor.locator("#tr-kpi-median_days").inner_text() == days_text(k["median_days"], "id")
    assert visitor.locator("#tr-kpi-open_beyond_sla").inner_text() == count_text(k["open_beyond_sla"], "id")
    for by, expected in rows.items():
        assert visitor.locator(f"#tr-table-{by} tbody tr").count() == len(expected), by
        for row in expected:
            assert _row_cells(visitor, by, row["key"]) == _expected_cells(row), (by, row["key"])
    assert visitor.errors == []


def _suppressed_slice(camera_app) -> tuple[Filter, str, str]:
    """A one-kecamatan, two-week slice whose category table has a count of 1 or 2."""
    engine = _engine(camera_app)
    try:
        for code in (f"16.71.{n:02d}" for n in range(1, 19)):
            f = _window(days=14).with_(kecamatan=(code,))
            for row in public_breakdown(engine, f, "category"):
                if row["complaints"] == SUPPRESSED:
                    return f, row["key"], row["name"]
    finally:
        engine.dispose()
    raise AssertionError("the seeded world has no small cell in any two-week kecamatan slice")


def test_counts_of_one_or_two_read_less_than_three_in_table_and_bars(visitor, camera_app):
    f, key, name = _suppressed_slice(camera_app)
    _open(visitor, _url(camera_app.url, f))
    cells = _row_cells(visitor, "category", key)
    assert cells[:2] == [name, SUPPRESSED]
    assert cells[2:5] == ["–", "–", "–"]  # rates and times of a small cell are withheld
    bar_labels = visitor.locator("#tr-g-category .bartext").all_text_contents()
    assert SUPPRESSED in bar_labels
    assert visitor.errors == []


def test_only_public_cameras_reach_the_map_with_their_latest_thumbnail(visitor, camera_app):
    _open(visitor, camera_app.url + "/transparansi")
    markers = visitor.locator("#tr-map .cam-marker")
    markers.first.wait_for()
    assert markers.count() == len(PUBLIC)
    assert visitor.locator(".tr-cam").count() == len(PUBLIC)
    # One refresh of the camera layer arrives (LIVE_REFRESH_S=2) and is searched too.
    with visitor.expect_response(
        lambda r: "_dash-update-component" in r.url and "tr-cameras" in (r.request.post_data or ""),
        timeout=30_000,
    ) as refresh:
        pass
    assert refresh.value.status == 200
    assert markers.count() == len(PUBLIC)
    visitor.locator("#tr-map .cam-marker-stale").dispatch_event("click")
    popup = visitor.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Masjid Agung" in popup.inner_text() and re.search(r"\d+ menit lalu", popup.inner_text())
    img = popup.locator("img.map-popup-img")
    visitor.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    assert re.fullmatch(r"/snapshot/\d+/latest-thumb\.jpg\?v=\d+", img.get_attribute("src"))
    seen = visitor.content() + "".join(visitor.bodies)
    for code, cam_name, _kec, lat, lon, *_ in INTERNAL:
        for mark in (code, cam_name, str(lat), str(lon), f"{lat:.4f}", f"{lon:.4f}"):
            assert mark not in seen, mark
    for _code, cam_name, *_ in PUBLIC:
        assert cam_name in seen
    assert visitor.errors == []


def test_filters_live_in_the_address_and_presets_change_the_figures(visitor, camera_app):
    f = _window().with_(kecamatan=("16.71.05",))
    _open(visitor, _url(camera_app.url, f))
    visitor.locator("#tr-preset-30").click()
    today = datetime.now(UTC).astimezone(WIB).date()
    start = today - timedelta(days=29)
    visitor.wait_for_url(re.compile(rf"dari={start}&sampai={today}&kecamatan=16\.71\.05"))
    wait_for_dash(visitor)
    engine = _engine(camera_app)
    try:
        k = public_kpis(engine, Filter(start=start, end=today, kecamatan=("16.71.05",)))
    finally:
        engine.dispose()
    assert visitor.locator("#tr-kpi-complaints").inner_text() == count_text(k["complaints"], "id")
    href = visitor.locator("#tr-dl-kecamatan-csv").get_attribute("href")
    assert href == f"/data/transparansi/kecamatan.csv?dari={start}&sampai={today}&kecamatan=16.71.05"
    visitor.locator("#tr-reset").click()
    visitor.wait_for_url(re.compile(r"/transparansi\?dari=[\d-]+&sampai=[\d-]+$"))
    # A shared address opens the same view.
    visitor.goto(visitor.url)
    wait_for_dash(visitor)
    assert visitor.locator("#tr-bad-filter").count() == 0
    assert visitor.errors == []


def test_every_open_data_link_answers_with_the_licence(visitor, camera_app):
    _open(visitor, camera_app.url + "/transparansi")
    links = visitor.locator("#tr-downloads a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 7
    for href in hrefs:
        resp = visitor.request.get(camera_app.url + href)
        assert resp.status == 200, href
        if href.endswith(".csv") or ".csv?" in href:
            assert resp.headers["content-type"].startswith("text/csv")
            assert resp.text().splitlines()[0].startswith("key,name,complaints")
        else:
            assert resp.json()["licence"].startswith("CC BY 4.0")
    assert "CC BY 4.0" in visitor.locator("#tr-licence").inner_text()
    assert visitor.errors == []


def test_the_english_switch_translates_the_page(visitor, camera_app):
    f = _window()
    _open(visitor, _url(camera_app.url, f))
    assert visitor.locator("h1").inner_text() == "Transparansi Pengaduan Kota Palembang"
    visitor.locator("#shell-lang-toggle").click()
    visitor.locator("h1", has_text="Complaint Transparency").wait_for()
    wait_for_dash(visitor)
    engine = _engine(camera_app)
    try:
        k = public_kpis(engine, f)
    finally:
        engine.dispose()
    assert visitor.locator("#tr-kpi-resolved_pct").inner_text() == fmt_pct(k["resolved_pct"], "en")
    assert "Open data" in visitor.locator("#tr-section-open-data").inner_text()
    # Dash sets the tab title from the page registry after rendering: wait for it, not a moment.
    visitor.wait_for_function("() => document.title.startsWith('Complaint Transparency')")
    assert visitor.errors == []


@pytest.mark.parametrize("width", [1440, 390], ids=["desktop", "phone"])
def test_the_page_fits_the_screen_and_is_photographed(browser, camera_app, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    try:
        pg = _instrument(context, camera_app.url)
        _open(pg, camera_app.url + "/transparansi")
        pg.locator("#tr-map .cam-marker").first.wait_for()
        overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(
            path=SCREENSHOTS / f"transparansi-{width}.png", full_page=True, style=HIDE_DEV_TOOLS_CSS
        )
        assert pg.errors == []
    finally:
        context.close()
