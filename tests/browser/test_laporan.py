"""Laporan in real Chromium: queue a small report, watch it finish in its own process, download it.

Runs against the session's app server (3,000 demo complaints). The report is an XLSX of one
kecamatan for one month, small enough to finish in seconds; the downloaded bytes are opened with
openpyxl, and the archive table lists the report with the same download link.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.browser.test_pages_smoke import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]  # generation in a process of its own

GENERATION_TIMEOUT_MS = 240_000  # a loaded CI machine; the report itself takes a few seconds


def test_generate_a_report_and_download_it(page, live_app):
    page.goto(f"{live_app}/laporan", timeout=GENERATION_TIMEOUT_MS)
    wait_for_dash(page)
    assert page.locator("h1").inner_text() == "Laporan"

    page.locator("#lap-scope label", has_text="Satu kecamatan").click()
    # The choice list fills with the kecamatan and shows the first one.
    page.wait_for_function("(document.getElementById('lap-scope-code')?.innerText || '').trim().length > 0")
    wait_for_dash(page)
    page.locator("#lap-fmt label", has_text="XLSX").click()
    page.locator("#lap-generate").click()

    link = page.locator("#lap-download-link")
    link.wait_for(state="visible", timeout=GENERATION_TIMEOUT_MS)
    assert page.locator("#lap-status-text").inner_text().startswith("Selesai")
    href = link.get_attribute("href")
    assert re.fullmatch(r"/laporan/unduh/\d+", href)

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "kecamatan-" in download.suggested_filename
    with open(download.path(), "rb") as fh:  # Playwright's file has no .xlsx suffix
        wb = load_workbook(io.BytesIO(fh.read()), read_only=True)
    assert wb.sheetnames == ["Ringkasan", "Per Kecamatan", "Per OPD", "Aduan"]
    # One kecamatan: the Per Kecamatan sheet holds that one row (or none in a quiet month).
    assert len(list(wb["Per Kecamatan"].iter_rows(min_row=2))) <= 1

    # The archive lists it once the poll reports it done.
    page.wait_for_function(
        f"document.querySelector('#lap-archive a[href=\"{href}\"]') !== null", timeout=30_000
    )
    wait_for_dash(page)
    assert page.errors == []

    # Ids come from the URL, paths from the database: an unknown id is a 404, and text that is
    # not an id never reaches the route (Dash's page router answers it with its own page).
    assert page.request.get(f"{live_app}/laporan/unduh/999999").status == 404
    other = page.request.get(f"{live_app}/laporan/unduh/..%2F..%2Fetc%2Fpasswd")
    assert other.headers["content-type"].startswith("text/html") and "root:" not in other.text()
