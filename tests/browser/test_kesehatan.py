"""Kesehatan Data in real Chromium, against its own app server with a known feed history.

The session's shared server has no job runs, so this module serves a database of its own: an
e-Lapor feed that synced 3 minutes ago, an Open311 feed silent for 40 minutes (late with the
5-minute interval), failures with their errors, and quarantined records carrying identity that
must never reach the page or the CSV.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from store.db import make_engine
from store.migrate import upgrade
from store.models import Complaint, JobRun, RejectedRecord
from store.runs import finish_run, start_run
from tests.browser.conftest import serve_app
from tests.browser.test_pages_smoke import wait_for_dash
from tests.conftest import new_database_url

pytestmark = pytest.mark.browser

SECRET_NAME = "Budi Santoso Rahasia"
SECRET_PHONE = "081299887766"


def _history(engine) -> None:
    now = datetime.now(UTC)
    for i in range(12):
        started = now - timedelta(minutes=3 + 5 * i)
        rid = start_run(engine, "sync_elapor", now=started)
        failed = i in (2, 7)
        finish_run(
            engine,
            rid,
            "failed" if failed else "ok",
            fetched=20 + i,
            inserted=i,
            updated=3,
            unchanged=17,
            error="GET http://127.0.0.1:9/api/v1/complaints: HTTP 503 after 5 retries" if failed else None,
            now=started + timedelta(seconds=2),
        )
    rid = start_run(engine, "sync_open311", now=now - timedelta(minutes=41))
    finish_run(engine, rid, "ok", fetched=5, inserted=5, now=now - timedelta(minutes=40))
    with engine.begin() as conn:
        for i in range(40):
            payload = {
                "external_id": f"Q-{i}",
                "kecamatan": "Atlantis",
                "reporter_name": SECRET_NAME,
                "description": f"hubungi saya di {SECRET_PHONE}",
            }
            conn.execute(
                insert(RejectedRecord).values(
                    source="elapor",
                    external_id=f"Q-{i}",
                    received_at=now - timedelta(minutes=i),
                    field="kecamatan" if i % 2 else "created_at",
                    reason=f"kecamatan 'Atlantis' tidak dikenal (#{i})" if i % 2 else "created_at kosong",
                    payload=json.dumps(payload),
                )
            )


@pytest.fixture(scope="module")
def health_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kesehatan")
    url, cleanup = new_database_url(tmp)
    engine = make_engine(url)
    upgrade(engine)
    _history(engine)
    try:
        with serve_app(url, tmp, {"SYNC_INTERVAL_MIN": "5"}, probe="/kesehatan") as server:
            yield {"url": server.url, "engine": engine, "log": server.log_path, "data_dir": tmp / "data"}
    finally:
        engine.dispose()
        cleanup()


@pytest.fixture(scope="module")
def live_app(health_server) -> str:
    """Overrides the shared server for this module: `page` then browses the health server."""
    return health_server["url"]


def _open(page, url: str) -> None:
    response = page.goto(url, wait_until="domcontentloaded")
    assert response is not None and response.status == 200
    wait_for_dash(page)


def test_page_shows_sources_runs_failures_and_flags_the_late_feed(page, live_app, health_server):
    _open(page, live_app + "/kesehatan")

    elapor = page.locator('[id*="kes-source"][id*="elapor"]')
    assert "Lancar" in elapor.inner_text() and "menit lalu" in elapor.inner_text()
    open311 = page.locator('[id*="kes-source"][id*="open311"]')
    assert "Terlambat" in open311.inner_text() and "40 menit lalu" in open311.inner_text()
    assert page.locator("#kes-runs .ag-center-cols-container .ag-row").count() == 10  # first grid page
    assert "HTTP 503 after 5 retries" in page.locator("#kes-failures").inner_text()
    flag = page.locator("#shell-stale-flag a")
    assert flag.count() == 1 and flag.inner_text() == "Umpan Open311 terlambat"
    assert flag.get_attribute("href") == "/kesehatan"
    assert page.errors == [], health_server["log"].read_text()[-4000:]


def test_the_late_feed_flag_shows_on_every_page(page, live_app):
    for path in ("/", "/statistik"):
        _open(page, live_app + path)
        assert page.locator("#shell-stale-flag").inner_text() == "Umpan Open311 terlambat", path

    page.locator("#shell-stale-flag a").click()
    page.wait_for_url("**/kesehatan")
    wait_for_dash(page)
    assert page.locator("#kes-runs").count() == 1
    assert page.errors == [], "\n".join(page.errors)


def test_quarantine_filters_pages_and_never_shows_identity(page, live_app):
    _open(page, live_app + "/kesehatan")
    assert page.locator("#kes-rej-count").inner_text() == "40 rekaman"
    assert SECRET_NAME not in page.content() and SECRET_PHONE not in page.content()

    page.locator("#kes-rej-text").fill("atlantis")
    page.locator("#kes-rej-text").press("Enter")
    page.wait_for_function("document.querySelector('#kes-rej-count').innerText === '20 rekaman'")
    wait_for_dash(page)
    reasons = page.locator("#kes-rej-grid .ag-center-cols-container [col-id=reason]").all_inner_texts()
    assert len(reasons) == 20 and all("Atlantis" in r for r in reasons)
    assert page.errors == []


def test_quarantine_downloads_the_filtered_set_as_csv_without_identity(page, live_app):
    _open(page, live_app + "/kesehatan")
    page.locator("#kes-rej-text").fill("kosong")
    page.locator("#kes-rej-text").press("Enter")
    page.wait_for_function("document.querySelector('#kes-rej-count').innerText === '20 rekaman'")

    with page.expect_download() as info:
        page.locator("#kes-rej-download-btn").click()
    body = Path(info.value.path()).read_text(encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 20 and {r["reason"] for r in rows} == {"created_at kosong"}
    assert SECRET_NAME not in body and SECRET_PHONE not in body
    assert page.errors == []


def test_an_upload_that_is_not_csv_or_xlsx_is_refused_with_its_name(page, live_app):
    _open(page, live_app + "/kesehatan")
    page.set_input_files(
        "#kes-upload input[type=file]",
        files=[{"name": "laporan.txt", "mimeType": "text/plain", "buffer": b"bukan tabel"}],
    )
    alert = page.locator("#kes-import-error")
    alert.wait_for(timeout=15_000)
    assert "laporan.txt" in alert.inner_text() and "bukan CSV atau XLSX" in alert.inner_text()
    assert page.errors == []


UPLOAD_CSV = (
    "No. Tiket;Tanggal Laporan;Judul;Isi Laporan;Kategori;Instansi;Kecamatan;Kelurahan;Status;Kanal;"
    "Anonim;Rahasia;Nama Pelapor\n"
    "UJI-1;03/02/2026 08:15;Lampu jalan mati;Gelap total;Penerangan Jalan;Dinas Perkim;Ilir Timur I;;"
    "Baru;Web;Tidak;Tidak;Siti Aminah\n"
    "UJI-2;31/02/2026 09:00;Sampah menumpuk;Bau;Sampah;DLHK;Kemuning;;Baru;SMS;Tidak;Tidak;Siti Aminah\n"
    "UJI-3;04/02/2026 10:00;Genangan;Air naik;Banjir;Dinas PU;Seberang Ulu I;;Baru;Web;Ya;Tidak;\n"
)


def test_an_uploaded_csv_is_imported_in_the_background_and_shows_its_row_report(
    page, live_app, health_server
):
    engine = health_server["engine"]
    before_complaints, before_runs = _complaints(engine), _runs(engine)
    _open(page, live_app + "/kesehatan")

    page.set_input_files(
        "#kes-upload input[type=file]",
        files=[{"name": "ekspor-februari.csv", "mimeType": "text/csv", "buffer": UPLOAD_CSV.encode()}],
    )

    report = page.locator("#kes-import-report")
    try:
        report.wait_for(timeout=60_000)
    except Exception:
        log = health_server["log"].read_text()[-5000:]
        pytest.fail(f"no import report; panel: {page.locator('#kes-import-status').inner_text()!r}\n{log}")
    counts = {
        key: page.locator(f'[id*="kes-import-count"][id*="{key}"] .h5').inner_text()
        for key in ("rows", "inserted", "rejected")
    }
    assert counts == {"rows": "3", "inserted": "2", "rejected": "1"}
    issues = page.locator("#kes-import-issues tbody tr")
    assert issues.count() == 1
    cells = issues.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "Tanggal Laporan" and cells[2]
    assert "Siti Aminah" not in page.content()
    # The page refreshes its run history and quarantine once the import is done.
    page.wait_for_function(
        "[...document.querySelectorAll('#kes-runs .ag-row [col-id=job]')]"
        ".some(c => c.innerText === 'Impor berkas')"
    )
    assert _complaints(engine) == before_complaints + 2 and _runs(engine) == before_runs + 1
    inbox = health_server["data_dir"] / "inbox"
    assert not list(inbox.glob("*.csv")), "the uploaded export must not stay on disk"
    assert page.errors == [], "\n".join(page.errors)


def _complaints(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Complaint)).scalar_one()


def _runs(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(JobRun)).scalar_one()
