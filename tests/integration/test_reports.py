"""Reports against a real seeded database: the files' figures equal the read-side queries.

PDF text is read back with pdftotext (poppler-utils), XLSX with openpyxl, CSV with csv. Every
report is generated for October 2026 as seen on 15 November 2026, so the queries and the files
are judged at the same moment.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from components.i18n import fmt_int, fmt_pct
from config import load
from reports.generate import generate
from reports.periods import report_filter
from store import queries
from store.db import make_engine
from store.migrate import upgrade
from store.models import Complaint, Kecamatan
from store.models_reports import ReportArchive
from store.report_rows import FORBIDDEN_COLUMNS, export_columns
from store.reports_archive import ReportRequest, get_report, queue_report
from tests.conftest import missing_tool, new_database_url

NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
OCT = (date(2026, 10, 1), date(2026, 10, 31))
SECRET_TITLE = "Aduan rahasia soal pungutan liar di kantor kelurahan"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A database with 2,500 demo complaints up to 14 Nov 2026, some of them Rahasia."""
    from demo.seed import seed

    tmp = tmp_path_factory.mktemp("reports")
    url, cleanup = new_database_url(tmp)
    engine = make_engine(url)
    upgrade(engine)
    seed(engine, complaints=2500, days=200, seed=11, end=date(2026, 11, 14))
    with engine.begin() as conn:
        first_oct = conn.execute(
            select(Complaint.id).where(Complaint.created_day.between(*OCT)).order_by(Complaint.id).limit(1)
        ).scalar_one()
        conn.execute(
            update(Complaint).where(Complaint.id == first_oct).values(confidential=True, title=SECRET_TITLE)
        )
    settings = load({"DATA_DIR": str(tmp / "data"), "DATABASE_URL": url})
    yield engine, settings
    engine.dispose()
    cleanup()


def _make(engine, settings, fmt: str, lang: str = "id", scope=("city", None), confidential=True) -> Path:
    req = ReportRequest(
        fmt=fmt,
        lang=lang,
        period_kind="month",
        period_start=OCT[0],
        period_end=OCT[1],
        scope_kind=scope[0],
        scope_code=scope[1],
        confidential=confidential,
    )
    report_id = queue_report(engine, req)
    path = generate(engine, settings, report_id, now=NOW)
    row = get_report(engine, report_id)
    assert row["status"] == "done" and row["progress"] == 100
    assert (settings.report_dir / row["path"]).resolve() == path
    return path


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        missing_tool("pdftotext is not installed (apt-get install poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_city_pdf_holds_the_period_filters_and_the_query_totals(world):
    engine, settings = world
    text = _pdf_text(_make(engine, settings, "pdf"))
    flat = _squash(text)
    flt = report_filter(*OCT, "city", None)
    k = queries.kpis(engine, flt, now=NOW)["current"]

    assert "1 Oktober 2026 s.d. 31 Oktober 2026" in flat
    assert "Seluruh Kota Palembang" in flat
    assert "Kecamatan: semua; OPD: semua; Kategori: semua" in flat
    assert "Dibuat 15 Nov 2026 10.00 WIB" in flat
    summary = re.search(r"Aduan masuk\s+([\d.]+)\s+([\d.]+)", text)
    assert summary.group(1) == fmt_int(k["complaints"], "id")
    assert re.search(rf"Diselesaikan\s+{re.escape(fmt_pct(k['resolved_pct'], 'id'))}", text)
    assert re.search(rf"Kepatuhan SLA\s+{re.escape(fmt_pct(k['sla_pct'], 'id'))}", text)
    assert re.search(rf"Terbuka melewati SLA\s+{k['open_beyond_sla']}\s", text)

    # Per kecamatan: each line's complaints, SLA % and beyond-SLA equal breakdown().
    frame = queries.breakdown(engine, flt, "kecamatan", now=NOW)
    kec_page = text.split("Kinerja per Kecamatan")[1].split("Kinerja per OPD")[0]
    for r in frame.itertuples():
        line = next(ln for ln in kec_page.splitlines() if ln.strip().startswith(r.name + " "))
        cells = line.split()
        assert fmt_int(r.complaints, "id") in cells, line
        assert cells[-1] == fmt_int(r.open_beyond_sla, "id"), line
        if r.sla_evaluated:
            assert fmt_pct(r.sla_pct, "id") in cells, line

    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    for i, page in enumerate(pages, start=1):
        assert f"Halaman {i} dari {len(pages)}" in page
    assert "[RAHASIA]" in text or SECRET_TITLE not in flat  # when listed as overdue it is flagged


def test_english_kecamatan_pdf_names_its_scope_and_filter(world):
    engine, settings = world
    with engine.connect() as conn:
        code, name = conn.execute(
            select(Kecamatan.code, Kecamatan.common_name).where(Kecamatan.common_name == "Sukarami")
        ).one()
    flat = _squash(_pdf_text(_make(engine, settings, "pdf", lang="en", scope=("kecamatan", code))))
    k = queries.kpis(engine, report_filter(*OCT, "kecamatan", code), now=NOW)["current"]
    assert "1 October 2026 to 31 October 2026" in flat
    assert f"Kecamatan: Kecamatan {name} ({code})" in flat
    assert "Agency: all" in flat
    assert f"Complaints received {fmt_int(k['complaints'], 'en')} " in flat
    assert "Page 1 of" in flat


def test_xlsx_figures_equal_the_queries_and_rows_are_flagged_not_identified(world):
    engine, settings = world
    path = _make(engine, settings, "xlsx")
    flt = report_filter(*OCT, "city", None)
    wb = load_workbook(path)  # not read-only: the sheet's frozen panes and filter are checked too
    assert wb.sheetnames == ["Ringkasan", "Per Kecamatan", "Per OPD", "Aduan"]
    k = queries.kpis(engine, flt, now=NOW)
    ring = wb["Ringkasan"]
    got = {row[0]: row[1:4] for row in ring.iter_rows(min_row=2, max_row=6, values_only=True)}
    assert got["Aduan masuk"] == (
        k["current"]["complaints"],
        k["previous"]["complaints"],
        k["delta"]["complaints"],
    )
    assert got["Kepatuhan SLA"][0] == k["current"]["sla_pct"]
    assert got["Terbuka melewati SLA"][0] == k["current"]["open_beyond_sla"]

    for sheet, by in (("Per Kecamatan", "kecamatan"), ("Per OPD", "agency")):
        ws = wb[sheet]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        frame = queries.breakdown(engine, flt, by, now=NOW).set_index("key")
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == len(frame)
        for row in rows:
            expected = frame.loc[row[0]]
            assert (row[2], row[9], row[11]) == (
                expected["complaints"],
                None if expected["sla_pct"] != expected["sla_pct"] else expected["sla_pct"],
                expected["open_beyond_sla"],
            )

    ws = wb["Aduan"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "Rahasia"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == k["current"]["complaints"]
    secret = [r for r in rows if r[header.index("Judul")] == SECRET_TITLE]
    assert len(secret) == 1 and secret[0][-1] == "RAHASIA"
    assert isinstance(rows[0][header.index("Masuk (WIB)")], datetime)
    hashes = _reporter_hashes(engine)
    assert hashes and not any(v in hashes for r in rows for v in r)


def _reporter_hashes(engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(select(Complaint.reporter_hash).where(Complaint.reporter_hash.isnot(None))).scalars()
        )


def test_csv_rows_carry_no_identity_and_public_exports_leave_rahasia_out(world):
    engine, settings = world
    flt = report_filter(*OCT, "city", None)
    total = queries.kpis(engine, flt, now=NOW)["current"]["complaints"]
    assert not FORBIDDEN_COLUMNS & set(export_columns(True))

    staff = list(csv.DictReader(_make(engine, settings, "csv").open(encoding="utf-8-sig")))
    assert len(staff) == total
    assert [r["confidential"] for r in staff if r["title"] == SECRET_TITLE] == ["RAHASIA"]
    hashes = _reporter_hashes(engine)
    assert not any(v in hashes for r in staff for v in r.values())

    public = list(
        csv.DictReader(_make(engine, settings, "csv", confidential=False).open(encoding="utf-8-sig"))
    )
    with engine.connect() as conn:
        secret = conn.execute(
            select(func.count()).where(Complaint.created_day.between(*OCT), Complaint.confidential.is_(True))
        ).scalar_one()
    assert len(public) == total - secret
    assert "confidential" not in public[0] and SECRET_TITLE not in {r["title"] for r in public}


def test_a_failed_generation_is_recorded_on_its_archive_row(world, tmp_path):
    engine, settings = world
    from dataclasses import replace

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the report folder should be")
    req = ReportRequest(fmt="csv", lang="id", period_kind="month", period_start=OCT[0], period_end=OCT[1])
    report_id = queue_report(engine, req)
    with pytest.raises(OSError):
        generate(engine, replace(settings, report_dir=blocked), report_id, now=NOW)
    row = get_report(engine, report_id)
    assert row["status"] == "failed" and row["path"] is None and "Error" in row["error"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ReportArchive)).scalar_one() >= 1


def test_a_scheduled_monthly_run_writes_its_files_and_one_archive_row_each(world):
    from jobs.scheduled_reports import scheduled_report
    from store.health import recent_runs

    engine, settings = world
    first_of_november = datetime(2026, 11, 1, 0, 5, tzinfo=UTC)  # 07:05 WIB
    assert scheduled_report(engine, settings, "monthly", now=first_of_november) == {
        "status": "ok",
        "made": 2,
        "skipped": 0,
        "failed": 0,
    }
    # A second runner, or a restart within the hour, finds the reports made and adds nothing.
    assert scheduled_report(engine, settings, "monthly", now=first_of_november)["skipped"] == 2
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(ReportArchive.__table__)
                .where(ReportArchive.kind == "monthly")
                .order_by(ReportArchive.fmt)
            )
            .mappings()
            .all()
        )
    assert [(r["fmt"], r["status"], r["schedule_key"]) for r in rows] == [
        ("pdf", "done", "monthly:2026-10-01:pdf:id"),
        ("xlsx", "done", "monthly:2026-10-01:xlsx:id"),
    ]
    for r in rows:
        assert (r["period_start"], r["period_end"], r["scope_kind"]) == (*OCT, "city")
        assert (settings.report_dir / r["path"]).stat().st_size == r["size_bytes"] > 1000
    runs = recent_runs(engine, job_id="report_monthly")
    assert list(runs["status"]) == ["ok", "ok"]


def test_a_failed_scheduled_run_shows_among_the_data_health_failures(world, tmp_path):
    from dataclasses import replace

    from jobs.scheduled_reports import scheduled_report
    from store.health import failures

    engine, settings = world
    blocked = tmp_path / "reports-is-a-file"
    blocked.write_text("")
    monday = datetime(2026, 11, 9, 0, 0, tzinfo=UTC)
    counts = scheduled_report(engine, replace(settings, report_dir=blocked), "weekly", now=monday)
    assert counts["failed"] == 1
    failed = failures(engine)
    assert failed.iloc[0]["job_id"] == "report_weekly"
    assert "Error" in failed.iloc[0]["error"]
    with engine.connect() as conn:
        row = conn.execute(
            select(ReportArchive.status, ReportArchive.period_start).where(
                ReportArchive.schedule_key == "weekly:2026-11-02:pdf:id"
            )
        ).one()
    assert tuple(row) == ("failed", date(2026, 11, 2))


def test_the_schedules_fire_on_monday_and_on_the_first_at_seven_wib():
    from zoneinfo import ZoneInfo

    from jobs.scheduled_reports import trigger

    wib = ZoneInfo("Asia/Jakarta")
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=wib)
    weekly = trigger("weekly").get_next_fire_time(None, saturday)
    monthly = trigger("monthly").get_next_fire_time(None, saturday)
    assert weekly == datetime(2026, 11, 30, 7, 0, tzinfo=wib)  # Monday
    assert monthly == datetime(2026, 12, 1, 7, 0, tzinfo=wib)
    assert weekly.utcoffset().total_seconds() == monthly.utcoffset().total_seconds() == 7 * 3600
