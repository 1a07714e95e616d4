"""store.ingest on the configured back end: idempotent upserts, status events, quarantine, watermarks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from data_sources.records import ComplaintRecord, Rejection, StatusChange
from data_sources.validate import NormalizeContext, validate
from store.ingest import (
    load_normalize_context,
    status_events,
    upsert_complaints,
    write_batch,
)
from store.models import Agency, Category, Complaint, ComplaintEvent, RejectedRecord
from store.models_ingest import CategoryAlias
from store.quarantine import quarantine
from store.queries import kpis
from store.watermarks import advance_watermark, get_watermark, reset_watermark
from tests.conftest import is_postgres

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB


def record(i: int, **over) -> ComplaintRecord:
    base = ComplaintRecord(
        source="elapor",
        external_id=f"E{i:05d}",
        report_type="pengaduan",
        title=f"laporan {i}",
        description="isi",
        channel="web",
        status="diteruskan",
        created_at=T0 + timedelta(minutes=i),
        updated_at=T0 + timedelta(hours=5, minutes=i),
        category_code="sampah",
        agency_code="dlhk",
        kecamatan_code="16.71.05",
        verified_at=T0 + timedelta(hours=2, minutes=i),
        forwarded_at=T0 + timedelta(hours=5, minutes=i),
    )
    return replace(base, **over)


def count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def events(engine, external_id: str) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            select(ComplaintEvent.from_status, ComplaintEvent.to_status, ComplaintEvent.at)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(Complaint.external_id == external_id)
            .order_by(ComplaintEvent.at, ComplaintEvent.id)
        ).all()


def test_the_same_batch_twice_is_all_unchanged_and_adds_no_events(engine):
    batch = [record(i) for i in range(50)]
    first = upsert_complaints(engine, batch)
    assert (first.inserted, first.updated, first.unchanged) == (50, 0, 0)
    assert first.events == 150  # baru, diverifikasi, diteruskan from the timestamps
    second = upsert_complaints(engine, batch)
    assert (second.inserted, second.updated, second.unchanged, second.events) == (0, 0, 50, 0)
    assert count(engine, Complaint) == 50 and count(engine, ComplaintEvent) == 150


def test_a_newer_version_updates_and_adds_the_status_change(engine):
    upsert_complaints(engine, [record(1), record(2)])
    done = T0 + timedelta(days=2)
    newer = record(1, status="selesai", outcome="selesai", first_response_at=done, resolved_at=done,
                   closed_at=done, updated_at=done)  # fmt: skip
    result = upsert_complaints(engine, [newer, record(2)])
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    expected = ["baru", "diverifikasi", "diteruskan", "ditindaklanjuti", "selesai"]
    assert [e[1] for e in events(engine, "E00001")] == expected
    with engine.connect() as conn:
        row = conn.execute(select(Complaint).where(Complaint.external_id == "E00001")).mappings().one()
    assert row["status"] == "selesai" and row["hours_to_resolve"] == pytest.approx(48 - 1 / 60, abs=0.01)
    assert row["created_day"].isoformat() == "2026-03-02"
    assert row["forward_due_at"] > row["created_at"]


def test_an_older_version_is_ignored(engine):
    current = record(1, status="ditindaklanjuti", first_response_at=T0 + timedelta(days=1),
                     updated_at=T0 + timedelta(days=1))  # fmt: skip
    upsert_complaints(engine, [current])
    stale = record(1, title="old title")
    result = upsert_complaints(engine, [stale])
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)
    with engine.connect() as conn:
        title, status = conn.execute(select(Complaint.title, Complaint.status)).one()
    assert (title, status) == ("laporan 1", "ditindaklanjuti")


def test_a_record_twice_in_one_batch_keeps_the_newest(engine):
    older, newer = record(1), record(1, title="newer", updated_at=T0 + timedelta(days=1))
    result = upsert_complaints(engine, [newer, older])
    assert (result.inserted, result.unchanged) == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(select(Complaint.title)).scalar_one() == "newer"


def test_the_change_from_the_stored_status_becomes_an_event_without_history(engine):
    upsert_complaints(engine, [record(1, verified_at=None, forwarded_at=None, status="baru")])
    moved = record(
        1, verified_at=None, forwarded_at=None, status="diteruskan", updated_at=T0 + timedelta(days=1)
    )
    upsert_complaints(engine, [moved])
    assert [(e[0], e[1]) for e in events(engine, "E00001")] == [(None, "baru"), ("baru", "diteruskan")]
    # Same status, newer edit: no event for a change that did not happen.
    upsert_complaints(engine, [replace(moved, title="x", updated_at=T0 + timedelta(days=2))])
    assert len(events(engine, "E00001")) == 2


def test_history_events_are_stored_once_however_often_delivered(engine):
    history = [StatusChange(T0, "baru"), StatusChange(T0 + timedelta(hours=1), "diverifikasi", "ok"),
               StatusChange(T0 + timedelta(hours=3), "diteruskan", "ke DLHK")]  # fmt: skip
    rec = record(0, history=history)
    upsert_complaints(engine, [rec])
    upsert_complaints(engine, [replace(rec, updated_at=rec.updated_at + timedelta(seconds=1))])
    got = events(engine, "E00000")
    assert [e[1] for e in got] == ["baru", "diverifikasi", "diteruskan"]
    assert count(engine, ComplaintEvent) == 3


def test_status_events_of_a_record(engine):
    rec = record(0, history=[StatusChange(T0 + timedelta(hours=2), "diverifikasi")])
    evs = status_events(rec, None)
    assert [(e["from_status"], e["to_status"]) for e in evs] == [(None, "baru"), ("baru", "diverifikasi"),
                                                                ("diverifikasi", "diteruskan")]  # fmt: skip


def test_codes_map_to_ids_and_unknown_codes_to_tidak_diketahui(engine):
    upsert_complaints(engine, [record(1), record(2, category_code="no_such", agency_code="tidak_diketahui")])
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(Complaint.external_id, Category.code).join(
                    Category, Category.id == Complaint.category_id
                )
            ).all()
        )
        agency = conn.execute(
            select(Agency.code)
            .join(Complaint, Complaint.agency_id == Agency.id)
            .where(Complaint.external_id == "E00002")
        ).scalar_one()
    assert rows == {"E00001": "sampah", "E00002": "tidak_diketahui"} and agency == "tidak_diketahui"


def test_written_rows_are_read_back_exactly_by_the_read_side(engine):
    # Bulk writes convert the typed columns themselves: SQLAlchemy-bound comparisons must still match.
    rec = record(7)
    upsert_complaints(engine, [rec])
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).where(Complaint.created_at == rec.created_at)).scalar_one() == 1
        )
        assert (
            conn.execute(select(func.count()).where(Complaint.created_at > rec.created_at)).scalar_one() == 0
        )
        row = conn.execute(select(Complaint.created_at, Complaint.anonymous, Complaint.created_day)).one()
    assert row.created_at == rec.created_at and row.anonymous is False
    from store.filters import Filter

    day = rec.created_at.date()
    assert kpis(engine, Filter(start=day, end=day), now=T0 + timedelta(days=30))["current"]["complaints"] == 1


def test_a_failing_batch_writes_nothing(engine):
    upsert_complaints(engine, [record(1)])
    bad = [record(2), record(3, status="exploded")]  # violates ck_complaint_status
    with pytest.raises(Exception, match=r"ck_complaint_status|CHECK constraint"):
        write_batch(engine, bad, [Rejection("elapor", "X", "title", "empty", {"a": 1})])
    assert count(engine, Complaint) == 1 and count(engine, ComplaintEvent) == 3
    assert count(engine, RejectedRecord) == 0


def test_quarantine_is_idempotent_and_keeps_the_latest_reason(engine):
    first = [
        Rejection("elapor", "X1", "created_at", "cannot read '32/01/2026'", {"created_at": "32/01/2026"}),
        Rejection("elapor", None, "title", "empty", {"title": ""}),
    ]
    assert quarantine(engine, first) == 2
    assert quarantine(engine, first) == 2
    again = [Rejection("elapor", "X1", "lat", "not a number, call 0812-3456-7890", {"lat": "abc"}),
             Rejection("elapor", None, "title", "empty", {"title": ""})]  # fmt: skip
    quarantine(engine, again)
    with engine.connect() as conn:
        rows = conn.execute(
            select(RejectedRecord.external_id, RejectedRecord.field, RejectedRecord.reason)
        ).all()
    assert len(rows) == 2
    x1 = next(r for r in rows if r.external_id == "X1")
    assert x1.field == "lat" and "0812" not in x1.reason  # reasons are scrubbed too


def test_quarantine_payloads_never_hold_identity(engine):
    payload = {"reporter_name": "Budi", "reporter_phone": "0812", "description": "email b@x.id"}
    rej = Rejection("elapor", "X2", "title", "empty", payload)
    quarantine(engine, [rej], job_run_id=None)
    with engine.connect() as conn:
        payload = json.loads(conn.execute(select(RejectedRecord.payload)).scalar_one())
    assert payload == {"description": "email [email]"}


def test_an_accepted_record_leaves_the_quarantine(engine):
    quarantine(engine, [Rejection("elapor", "E00001", "created_at", "bad", {})])
    quarantine(engine, [Rejection("elapor", "E00009", "created_at", "bad", {})])
    upsert_complaints(engine, [record(1)])
    with engine.connect() as conn:
        assert conn.execute(select(RejectedRecord.external_id)).scalars().all() == ["E00009"]


def test_rows_written_by_other_code_without_a_key_stay_valid(engine):
    with engine.begin() as conn:
        for _ in range(2):
            conn.execute(
                insert(RejectedRecord).values(source="x", received_at=T0, reason="r", external_id="A")
            )
    assert count(engine, RejectedRecord) == 2


def test_watermark_only_moves_forward(engine):
    assert get_watermark(engine, "elapor") is None
    advance_watermark(engine, "elapor", T0)
    advance_watermark(engine, "elapor", T0 - timedelta(days=1))
    assert get_watermark(engine, "elapor") == T0
    advance_watermark(engine, "elapor", T0 + timedelta(hours=1))
    assert get_watermark(engine, "elapor") == T0 + timedelta(hours=1)
    assert get_watermark(engine, "open311") is None
    with pytest.raises(ValueError, match="aware"):
        advance_watermark(engine, "elapor", datetime(2026, 1, 1))
    reset_watermark(engine, "elapor")
    assert get_watermark(engine, "elapor") is None


def test_context_from_the_database_matches_the_reference_and_sees_new_aliases(engine):
    ctx = load_normalize_context(engine, salt="s")
    ref = NormalizeContext.from_reference(salt="s")
    for value in ("Dinas PU", "PDAM Tirta Musi", "Satpol-PP", "DLHK Kota Palembang", "Bina Marga"):
        assert ctx.agency.lookup(value) == ref.agency.lookup(value) is not None
    for value in ("Jalan Berlubang", "Lampu Jalan", "Kebersihan"):
        assert ctx.category.lookup(value) == ref.category.lookup(value) is not None
    assert ctx.kecamatan.lookup("AAL") == "16.71.15"
    with engine.begin() as conn:
        conn.execute(insert(CategoryAlias).values(alias="Got Mampet", category_code="banjir_drainase"))
    ctx = load_normalize_context(engine, salt="s")
    rec = validate(
        {"external_id": "1", "title": "t", "created_at": "2026-01-02", "category": "got mampet"}, "e", ctx
    )
    assert rec.category_code == "banjir_drainase"


def test_counts_are_exact_on_a_larger_mixed_batch(engine):
    upsert_complaints(engine, [record(i) for i in range(0, 3000)])
    later = T0 + timedelta(days=3)
    mixed = [record(i) for i in range(0, 1000)]  # unchanged
    mixed += [record(i, title="edited", updated_at=later) for i in range(1000, 2500)]  # updated
    mixed += [record(i) for i in range(3000, 3700)]  # new
    result = upsert_complaints(engine, mixed)
    assert (result.inserted, result.updated, result.unchanged) == (700, 1500, 1000)
    assert count(engine, Complaint) == 3700


@pytest.mark.skipif(not is_postgres(), reason="PostgreSQL session time zone check")
def test_postgres_stores_utc_whatever_the_session_zone(engine):
    with engine.begin() as conn:
        conn.execute(text("SET TIME ZONE 'Asia/Jakarta'"))
    rec = record(1)
    upsert_complaints(engine, [rec])
    with engine.connect() as conn:
        assert conn.execute(select(Complaint.created_at)).scalar_one() == rec.created_at


def test_a_batch_that_changes_complaints_bumps_the_data_version_and_a_repeat_does_not(engine):
    from store import data_version

    def counter() -> int:
        return int(data_version.current(engine).split(".")[0])

    before = counter()
    write_batch(engine, [record(i) for i in range(3)], [])
    assert counter() == before + 1  # the cached figures are out of date at once
    write_batch(engine, [record(i) for i in range(3)], [])
    assert counter() == before + 1  # all unchanged: the cache stays valid
    write_batch(engine, [], [Rejection("elapor", "X9", "title", "empty", {"a": 1})])
    assert counter() == before + 1  # a quarantined record changes no figure
