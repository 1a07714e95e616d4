"""What a user does on the pages: filter, click a bar, share the address, switch language."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_pages_smoke import wait_for_dash

pytestmark = pytest.mark.browser

KPI_COMPLAINTS = "[id*='\"key\":\"complaints\"'][id*='kpi-value']"


def _kpi(page) -> str:
    return page.locator(KPI_COMPLAINTS).first.inner_text()


def test_clicking_a_kecamatan_bar_filters_the_page_and_the_address(page, live_app):
    page.goto(live_app + "/statistik")
    wait_for_dash(page)
    city_total = _kpi(page)
    bar = page.locator("#stat-g-kecamatan .trace.bars .point path").last  # the largest kecamatan
    box = bar.bounding_box()
    assert box is not None
    # Near the bar's left end: Plotly's mode bar floats over the middle of the widest bar.
    page.mouse.click(box["x"] + min(20, box["width"] / 4), box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.location.search.includes('kecamatan=16.71.')", timeout=20_000)
    wait_for_dash(page)
    assert _kpi(page) != city_total
    assert re.search(r"kecamatan=16\.71\.\d\d", page.url)
    # The address is shareable: opening it again shows the same narrowed figure.
    shared = page.url
    narrowed = _kpi(page)
    page.goto(shared)
    wait_for_dash(page)
    assert _kpi(page) == narrowed
    assert page.errors == []


def test_address_filters_change_every_figure(page, live_app):
    page.goto(live_app + "/statistik?kanal=sms1708")
    wait_for_dash(page)
    sms = _kpi(page)
    page.goto(live_app + "/statistik")
    wait_for_dash(page)
    assert _kpi(page) != sms
    rows = page.locator("#stat-grid .ag-center-cols-container .ag-row")
    assert rows.count() == 18
    assert page.errors == []


def test_unknown_filter_value_in_the_address_gives_a_message_not_a_traceback(page, live_app):
    page.goto(live_app + "/statistik?kecamatan=16.71.99&kategori=%3Cscript%3E")
    wait_for_dash(page)
    alert = page.locator("#stat-bad-filter")
    assert alert.is_visible()
    assert "16.71.99" in alert.inner_text()
    assert "Traceback" not in page.content()
    assert page.errors == []


def test_period_choice_on_ringkasan_changes_the_headline(page, live_app):
    page.goto(live_app + "/")
    wait_for_dash(page)
    thirty = _kpi(page)
    page.locator("#ringkasan-periode-365").click()
    page.wait_for_url(re.compile(r"periode=365"))
    wait_for_dash(page)
    assert _kpi(page) != thirty
    assert page.errors == []


def test_english_toggle_switches_every_label_and_back(page, live_app):
    page.goto(live_app + "/")
    wait_for_dash(page)
    assert page.locator("#nav-ringkasan").inner_text() == "Ringkasan"
    assert page.locator("h1").inner_text() == "Ringkasan Kinerja Pengaduan"
    with page.expect_navigation():
        page.locator("#shell-lang-toggle").click()
    wait_for_dash(page)
    assert page.locator("#nav-ringkasan").inner_text() == "Overview"
    assert page.locator("#nav-statistik").inner_text() == "Complaint Statistics"
    assert page.locator("h1").inner_text() == "Complaint Handling Overview"
    # The choice follows the visitor to the next page.
    page.goto(live_app + "/statistik")
    wait_for_dash(page)
    assert page.locator("h1").inner_text() == "Complaint Statistics"
    with page.expect_navigation():
        page.locator("#shell-lang-toggle").click()
    wait_for_dash(page)
    assert page.locator("h1").inner_text() == "Statistik Aduan"
    assert page.errors == []
