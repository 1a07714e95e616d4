"""File import on the configured back end: row-level reports, idempotent re-import, no half-written batch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_sources.files import FileReadError
from data_sources.normalize import alias_key
from jobs.import_file import DEFAULT_SOURCE, ImportFailed, import_file
from store.ingest import load_normalize_context
from store.models import Complaint, ComplaintEvent, JobRun, RejectedRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent.parent
JANUARI = FIXTURES / "elapor_januari_2026.csv"
FEBRUARI = FIXTURES / "elapor_februari_cp1252.csv"
MARET = FIXTURES / "elapor_maret_2026.xlsx"


def problems(report) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


def count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def complaint(engine, external_id: str):
    with engine.connect() as conn:
        return conn.execute(select(Complaint).where(Complaint.external_id == external_id)).mappings().one()


def test_csv_import_reports_every_bad_row_and_imports_the_rest(engine):
    report = import_file(engine, JANUARI, JANUARI.name)
    assert problems(report) == [(8, "Tanggal Laporan"), (9, "Tanggal Laporan"), (10, "Tanggal Selesai"),
                                (11, "Anonim"), (14, "Status"), (17, "Hasil")]  # fmt: skip
    reasons = {p.row: p.reason for p in report.problems}
    assert "not a real date" in reasons[8] and "missing" in reasons[9]
    assert "resolved_at" in reasons[10] and "created_at" in reasons[10]
    assert "Menggantung" in reasons[14] and "still open" in reasons[17]
    assert (report.rows, report.inserted, report.updated, report.unchanged, report.rejected) == (
        12,
        5,
        0,
        1,
        6,
    )
    assert report.duplicates == 1
    assert report.unknown["category"] == 1 and report.unrecognised["category"] == {"Keluhan Aneh": 1}
    assert report.status == "ok" and report.source == DEFAULT_SOURCE
    assert count(engine, Complaint) == 5 and count(engine, RejectedRecord) == 6

    first = complaint(engine, "LPR-2026-0001")
    assert (first["kecamatan_code"], first["kelurahan_code"]) == ("16.71.04", "16.71.04.1005")
    assert "0812" not in first["description"] and "RT 05/RW 03" in first["description"]
    assert first["reporter_hash"] is not None
    anonymous = complaint(engine, "LPR-2026-0002")
    assert anonymous["anonymous"] and anonymous["reporter_hash"] is None
    assert "budi@example.com" not in anonymous["description"] and "Rp 1.500.000" in anonymous["description"]
    done = complaint(engine, "LPR-2026-0003")
    assert (done["status"], done["outcome"], done["confidential"], done["channel"]) == (
        "selesai",
        "selesai",
        True,
        "app",
    )
    with engine.connect() as conn:
        run = conn.execute(select(JobRun).where(JobRun.id == report.run_id)).mappings().one()
        quarantined = conn.execute(select(RejectedRecord.job_run_id).distinct()).scalars().all()
    assert (run["job_id"], run["status"], run["fetched"], run["inserted"], run["rejected"]) == (
        "import_file", "ok", 12, 5, 6
    )  # fmt: skip
    assert quarantined == [report.run_id]


def test_reimporting_the_same_file_changes_nothing(engine):
    import_file(engine, JANUARI, JANUARI.name)
    with engine.connect() as conn:
        before = conn.execute(select(Complaint.external_id, Complaint.updated_at, Complaint.status)).all()
    events_before = count(engine, ComplaintEvent)
    again = import_file(engine, JANUARI, JANUARI.name)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 6, 6)
    with engine.connect() as conn:
        after = conn.execute(select(Complaint.external_id, Complaint.updated_at, Complaint.status)).all()
    assert sorted(after) == sorted(before)
    assert count(engine, ComplaintEvent) == events_before and count(engine, RejectedRecord) == 6


def test_cp1252_csv_with_coordinates(engine):
    report = import_file(engine, FEBRUARI.read_bytes(), FEBRUARI.name)
    assert problems(report) == [(4, "Latitude")]
    assert (report.encoding, report.delimiter) == ("cp1252", ",")
    cafe = complaint(engine, "A-100")
    assert cafe["title"] == "Café di trotoar" and "[NIK]" in cafe["description"]
    assert cafe["kecamatan_code"] == "16.71.05"  # from the coordinates
    assert complaint(engine, "A-101")["kecamatan_code"] == "16.71.10"  # swapped lat/lon, Excel serial date
    assert complaint(engine, "A-103")["kecamatan_code"] is None  # Jakarta: no kecamatan of ours


def test_xlsx_import_and_reimport(engine):
    report = import_file(engine, MARET, MARET.name)
    assert problems(report) == [(6, "Tanggal"), (7, "Tanggal"), (8, "Judul"), (10, "Status")]
    assert report.ignored_columns == ["Kolom Catatan Internal"]
    assert (report.inserted, report.rejected) == (3, 4)
    first = complaint(engine, "20260001")
    assert (first["kecamatan_code"], first["kelurahan_code"]) == ("16.71.09", "16.71.09.1004")
    assert first["channel"] == "sms1708"
    assert first["created_at"].isoformat() == "2026-03-02T07:30:00+00:00"  # 14.30 WIB from "Jam"
    second = complaint(engine, "20260002")
    assert (second["kecamatan_code"], second["kelurahan_code"], second["status"]) == (
        "16.71.05", "16.71.05.1009", "selesai"
    )  # fmt: skip
    again = import_file(engine, MARET, MARET.name)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 4)


def test_a_fixed_row_leaves_the_quarantine_on_the_next_import(engine, tmp_path):
    import_file(engine, JANUARI, JANUARI.name)
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(JANUARI.read_bytes().replace(b"32/01/2026 09:00", b"31/01/2026 09:00"))
    report = import_file(engine, fixed, fixed.name)
    assert report.inserted == 1 and (8, "Tanggal Laporan") not in problems(report)
    with engine.connect() as conn:
        ids = conn.execute(select(RejectedRecord.external_id)).scalars().all()
    assert "LPR-2026-0004" not in ids and len(ids) == 5


def test_an_import_that_fails_mid_way_leaves_no_half_written_batch(engine):
    ctx = load_normalize_context(engine)
    ctx.vocab.channel[alias_key("Aplikasi")] = "exploded"  # row 13: passes validation, violates the CHECK
    with pytest.raises(ImportFailed, match="row 13") as info:
        import_file(engine, JANUARI, JANUARI.name, batch_size=4, ctx=ctx)
    assert info.value.report.status == "failed"
    with engine.connect() as conn:
        ids = set(conn.execute(select(Complaint.external_id)).scalars())
        rejected = set(conn.execute(select(RejectedRecord.external_id)).scalars())
        run = conn.execute(select(JobRun.status, JobRun.error).order_by(JobRun.id.desc())).first()
    # Batches 1 (rows 5-8) and 2 (rows 9-12) are in, whole; batch 3 (rows 13-17) is not, at all.
    assert ids == {"LPR-2026-0001", "LPR-2026-0002", "LPR-2026-0003", "LPR-2026-0008"}
    assert rejected == {"LPR-2026-0004", "LPR-2026-0005", "LPR-2026-0006", "LPR-2026-0007"}
    assert run.status == "failed" and "row 13" in run.error
    finished = import_file(engine, JANUARI, JANUARI.name, batch_size=4)
    assert (finished.inserted, finished.rejected) == (1, 6)
    assert count(engine, Complaint) == 5 and count(engine, RejectedRecord) == 6


def test_an_unreadable_file_is_one_clear_error_and_a_failed_run(engine, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("hello\nworld\n")
    with pytest.raises(FileReadError, match="no header row"):
        import_file(engine, bad, bad.name)
    with engine.connect() as conn:
        assert conn.execute(select(JobRun.status)).scalar_one() == "failed"
    assert count(engine, Complaint) == 0


def test_progress_is_reported_per_batch(engine):
    seen: list[int] = []
    import_file(engine, JANUARI, JANUARI.name, batch_size=5, progress=seen.append)
    assert seen == [5, 10, 12]


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "jobs.import_file", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_command_line_prints_the_row_report_and_exits_0(engine, db_url):
    done = _cli(db_url, str(JANUARI))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["row", "column", "reason"]
    assert any(line.split()[:3] == ["8", "Tanggal", "Laporan"] for line in lines)
    assert "12 rows: 5 inserted, 0 updated, 1 unchanged, 6 rejected" in done.stdout
    again = _cli(db_url, str(JANUARI), "--source", "file:elapor")
    assert again.returncode == 0 and "0 inserted, 0 updated, 6 unchanged" in again.stdout


def test_command_line_unreadable_file_is_one_line_and_non_zero(engine, db_url, tmp_path):
    done = _cli(db_url, str(tmp_path / "missing.xlsx"))
    assert done.returncode == 2
    assert (
        done.stderr.strip().count("\n") == 0
        and "missing.xlsx" in done.stderr
        and "cannot open" in done.stderr
    )
