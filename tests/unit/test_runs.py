"""Job runs and the data-health queries, against a hand-built history with known answers.

Now is 16 March 2026 12:00 UTC and the sync interval is 5 minutes, so a source is stale when its
last success finished before 11:50.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.calendar import WorkCalendar
from store.derive import derive_fields
from store.health import (
    RejectedFilter,
    failures,
    recent_runs,
    recent_runs_per_job,
    rejected_choices,
    rejected_csv,
    rejected_page,
    scrub_payload,
    source_status,
    stale_sources,
    unknown_counts,
    unrecognised_values,
)
from store.models import Agency, Category, Complaint, JobRun, RejectedRecord
from store.runs import INTERRUPTED, finish_run, mark_interrupted, start_run

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
INTERVAL = 5


def at(minutes_ago: float) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def run(engine, job_id, started_ago, took_s, status, **counts) -> int:
    rid = start_run(engine, job_id, now=at(started_ago))
    if status != "running":
        finish_run(engine, rid, status, now=at(started_ago) + timedelta(seconds=took_s), **counts)
    return rid


def test_a_run_starts_running_and_finishes_with_its_counts(engine):
    rid = start_run(engine, "sync_elapor", now=at(3))
    with Session(engine) as s:
        assert s.get(JobRun, rid).status == "running"

    finish_run(
        engine,
        rid,
        "ok",
        fetched=10,
        inserted=7,
        updated=2,
        unchanged=1,
        rejected=0,
        detail={"pages": 1},
        now=at(3) + timedelta(seconds=2.5),
    )

    with Session(engine) as s:
        row = s.get(JobRun, rid)
        assert (row.status, row.fetched, row.inserted, row.updated, row.unchanged) == ("ok", 10, 7, 2, 1)
        assert row.finished_at - row.started_at == timedelta(seconds=2.5)
        assert row.detail == {"pages": 1}


def test_finishing_twice_keeps_the_first_outcome(engine):
    rid = start_run(engine, "sync_elapor")
    finish_run(engine, rid, "failed", error="boom")
    finish_run(engine, rid, "ok", fetched=5)
    with Session(engine) as s:
        row = s.get(JobRun, rid)
        assert (row.status, row.error, row.fetched) == ("failed", "boom", 0)


def test_finish_refuses_an_unknown_status(engine):
    rid = start_run(engine, "sync_elapor")
    with pytest.raises(ValueError, match="'done'"):
        finish_run(engine, rid, "done")


def test_a_very_long_error_is_cut(engine):
    rid = start_run(engine, "sync_elapor")
    finish_run(engine, rid, "failed", error="x" * 10_000)
    with Session(engine) as s:
        assert len(s.get(JobRun, rid).error) == 4000


def test_runs_left_running_by_a_killed_process_are_marked_interrupted(engine):
    killed = run(engine, "sync_elapor", 30, 0, "running")
    other_job = run(engine, "import_file", 30, 0, "running")
    done = run(engine, "sync_elapor", 60, 1, "ok")

    assert mark_interrupted(engine, ["sync_elapor"], now=NOW) == 1

    with Session(engine) as s:
        assert (s.get(JobRun, killed).status, s.get(JobRun, killed).error) == ("failed", INTERRUPTED)
        assert s.get(JobRun, killed).finished_at == NOW
        assert s.get(JobRun, other_job).status == "running"  # not the scheduler's job
        assert s.get(JobRun, done).status == "ok"
    assert mark_interrupted(engine, []) == 0


@pytest.fixture
def history(engine):
    # e-Lapor: fine, last success 4 minutes ago, one failure since.
    run(engine, "sync_elapor", 20, 3, "ok", fetched=100, inserted=100)
    run(engine, "sync_elapor", 9, 1.5, "failed", error="GET http://x/api: HTTP 500 after 5 retries")
    run(engine, "sync_elapor", 4.1, 6, "ok", fetched=3, updated=2, unchanged=1)
    # Open311: last success 30 minutes ago, failing since: stale.
    run(engine, "sync_open311", 30.2, 12, "ok", fetched=40, inserted=40)
    run(engine, "sync_open311", 2, 0.5, "failed", error="timeout")
    run(engine, "sync_open311", 0.5, 0, "running")
    # A feed that never succeeded: stale as soon as it has runs.
    run(engine, "sync_kota", 1, 2, "failed", error="HTTP 401")
    # A file import is not a sync source.
    run(engine, "import_file", 50, 4, "ok", fetched=12, inserted=12)
    return engine


def test_stale_sources_are_those_without_a_recent_success(history):
    assert stale_sources(history, NOW, INTERVAL) == ["kota", "open311"]
    assert stale_sources(history, NOW, 30) == ["kota"]  # 30.2 minutes is within two 30-minute intervals
    assert stale_sources(history, NOW + timedelta(minutes=6.5), INTERVAL) == ["elapor", "kota", "open311"]


def test_no_runs_means_nothing_is_stale(engine):
    assert stale_sources(engine, NOW, INTERVAL) == []


def test_source_status_gives_last_success_lag_and_state(history):
    rows = {r["source"]: r for r in source_status(history, NOW, INTERVAL, expected=["elapor", "baru"])}

    assert set(rows) == {"elapor", "open311", "kota", "baru"}
    el = rows["elapor"]
    assert el["last_success"] == at(4.1) + timedelta(seconds=6)
    assert el["lag"] == timedelta(minutes=4.1) - timedelta(seconds=6)
    assert (el["stale"], el["running"], el["runs"], el["failures_24h"]) == (False, False, 3, 1)
    assert el["last_status"] == "ok"
    op = rows["open311"]
    assert (op["stale"], op["running"], op["last_status"], op["failures_24h"]) == (True, True, "running", 1)
    assert rows["kota"]["last_success"] is None and rows["kota"]["stale"] is True
    assert rows["kota"]["last_error"] == "HTTP 401"
    # Configured but never run: shown, not flagged (there is nothing to be late yet).
    assert (rows["baru"]["runs"], rows["baru"]["stale"], rows["baru"]["lag"]) == (0, False, None)


def test_recent_runs_newest_first_with_durations(history):
    frame = recent_runs(history, limit=4)
    assert list(frame["job_id"]) == ["sync_open311", "sync_kota", "sync_open311", "sync_elapor"]
    assert frame["duration_s"].tolist()[1:] == [2.0, 0.5, 6.0]
    assert frame["duration_s"].isna().tolist()[0]  # still running
    only = recent_runs(history, job_id="sync_elapor")
    assert only["inserted"].tolist() == [0, 0, 100] and only["updated"].tolist() == [2, 0, 0]


def test_runs_per_job_keep_the_rare_jobs_beside_a_chatty_one(engine):
    for i in range(30):
        run(engine, "refresh_snapshots", i, 1, "ok", fetched=41)
    run(engine, "sync_elapor", 40, 3, "ok", inserted=5)
    run(engine, "report_weekly", 600, 9, "failed")
    frame = recent_runs_per_job(engine, per_job=10)
    assert frame["job_id"].value_counts().to_dict() == {
        "refresh_snapshots": 10,
        "sync_elapor": 1,
        "report_weekly": 1,
    }
    assert frame["started_at"].is_monotonic_decreasing
    assert frame["job_id"].tolist()[:10] == ["refresh_snapshots"] * 10  # the newest ten snapshot cycles


def test_failures_carry_their_error(history):
    frame = failures(history)
    assert frame["error"].tolist() == ["HTTP 401", "timeout", "GET http://x/api: HTTP 500 after 5 retries"]


@pytest.fixture
def quarantined(engine):
    rows = [
        dict(
            source="elapor",
            external_id="E-1",
            field="kecamatan",
            reason="kecamatan 'Mars' tidak dikenal",
            payload=json.dumps(
                {
                    "external_id": "E-1",
                    "kecamatan": "Mars",
                    "reporter_name": "Budi",
                    "reporter_phone": "081234567890",
                    "title": "Hubungi 0812-3456-7890",
                }
            ),
        ),
        dict(
            source="elapor",
            external_id="E-2",
            field="created_at",
            reason="created_at kosong",
            payload=json.dumps(
                {
                    "external_id": "E-2",
                    "nama_pelapor": "Siti",
                    "email": "siti@example.id",
                    "description": "NIK saya 1671012345678901, email siti@example.id",
                }
            ),
        ),
        dict(
            source="file",
            external_id=None,
            field="status",
            reason="status 'entah' tidak dikenal",
            payload="not json 3201234567890123",
        ),
    ]
    for i in range(3, 60):
        rows.append(
            dict(
                source="elapor",
                external_id=f"E-{i}",
                field="lat",
                reason=f"lat {i} di luar kota",
                payload=None,
            )
        )
    with engine.begin() as conn:
        for i, r in enumerate(rows):
            conn.execute(insert(RejectedRecord).values(received_at=NOW - timedelta(seconds=i), **r))
    return engine


def test_rejected_records_filter_by_source_field_and_text(quarantined):
    frame, total = rejected_page(quarantined, RejectedFilter(source="elapor"), page=1, page_size=10)
    assert total == 59 and len(frame) == 10
    assert frame["external_id"].tolist()[:2] == ["E-1", "E-2"]  # newest first

    frame, total = rejected_page(quarantined, RejectedFilter(field="status"))
    assert total == 1 and frame["source"].tolist() == ["file"]

    frame, total = rejected_page(quarantined, RejectedFilter(text="TIDAK DIKENAL"))
    assert total == 2 and set(frame["field"]) == {"kecamatan", "status"}

    _frame, total = rejected_page(quarantined, RejectedFilter(text="100%_"))  # wildcards are literal
    assert total == 0


def test_rejected_records_are_paginated_without_overlap(quarantined):
    seen = []
    for page in range(1, 5):
        frame, total = rejected_page(quarantined, RejectedFilter(), page=page, page_size=25)
        seen += frame["id"].tolist()
    assert total == 60 and len(seen) == 60 and len(set(seen)) == 60


def test_rejected_page_never_shows_identity(quarantined):
    frame, _ = rejected_page(quarantined, RejectedFilter(text="E-1"), page_size=1)
    payload = json.loads(frame["payload"].iloc[0])
    assert payload == {"external_id": "E-1", "kecamatan": "Mars", "title": "Hubungi [telepon]"}


def test_csv_export_holds_the_filtered_set_without_identity(quarantined):
    text = rejected_csv(quarantined, RejectedFilter(source="elapor", text="kosong"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["external_id"] for r in rows] == ["E-2"]
    assert rows[0]["reason"] == "created_at kosong" and rows[0]["field"] == "created_at"
    assert "Siti" not in text and "siti@example.id" not in text and "1671012345678901" not in text
    assert "[email]" in text and "[NIK]" in text

    everything = rejected_csv(quarantined)
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 60
    for secret in ("Budi", "081234567890", "0812-3456-7890", "3201234567890123"):
        assert secret not in everything


def test_scrub_payload_keeps_what_is_not_identity():
    assert scrub_payload(None) is None
    kept = json.loads(
        scrub_payload(
            json.dumps(
                {
                    "kelurahan": "Bukit Lama",
                    "lat": -2.98,
                    "history": [{"status": "baru", "note": "telp 085267891234"}],
                }
            )
        )
    )
    assert kept == {
        "kelurahan": "Bukit Lama",
        "lat": -2.98,
        "history": [{"status": "baru", "note": "telp [telepon]"}],
    }


def test_rejected_choices_list_sources_and_fields(quarantined):
    assert rejected_choices(quarantined) == {
        "source": ["elapor", "file"],
        "field": ["created_at", "kecamatan", "lat", "status"],
    }


def test_unknown_values_are_counted_per_source(engine):
    cal = WorkCalendar()
    with Session(engine) as s:
        cats = dict(s.execute(select(Category.code, Category.id)).all())
        ags = dict(s.execute(select(Agency.code, Agency.id)).all())
        specs = [
            ("elapor", "jalan_rusak", "pupr", "16.71.05", "16.71.05.1001"),
            ("elapor", "tidak_diketahui", "pupr", None, None),
            ("elapor", "sampah", "tidak_diketahui", "16.71.05", None),
            ("file", None, None, None, None),
        ]
        for n, (source, cat, ag, kec, kel) in enumerate(specs):
            row = dict(
                source=source,
                external_id=str(n),
                report_type="pengaduan",
                title="t",
                description="",
                category_id=cats.get(cat),
                agency_id=ags.get(ag),
                kecamatan_code=kec,
                kelurahan_code=kel,
                channel="web",
                created_at=NOW,
                status="baru",
                updated_at=NOW,
            )
            s.add(Complaint(**derive_fields(row, cal)))
        s.commit()

    frame = unknown_counts(engine).set_index("source")

    assert frame.loc["elapor"].tolist() == [3, 1, 1, 1, 2]
    assert frame.loc["file"].tolist() == [1, 1, 1, 1, 1]


def test_unrecognised_values_add_up_over_recent_runs(engine):
    seen = {"unrecognised": {"category": {"Jalan Berlubang": 3, "Lampu": 1}, "agency": {"Dinas X": 2}}}
    run(engine, "sync_elapor", 30, 1, "ok", detail=seen)
    run(engine, "sync_elapor", 20, 1, "ok", detail={"unrecognised": {"category": {"Jalan Berlubang": 4}}})
    run(engine, "import_file", 10, 1, "ok", detail={"unrecognised": {"category": {"Lampu": 5}}})
    run(engine, "sync_elapor", 60 * 30, 1, "ok", detail={"unrecognised": {"category": {"Kuno": 99}}})

    frame = unrecognised_values(engine, since=NOW - timedelta(hours=24))

    assert frame.values.tolist() == [
        ["sync_elapor", "category", "Jalan Berlubang", 7],
        ["import_file", "category", "Lampu", 5],
        ["sync_elapor", "agency", "Dinas X", 2],
        ["sync_elapor", "category", "Lampu", 1],
    ]
