"""validate(): every rule, every date form, rejections that name the field, identity never passed on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from data_sources.dates import DateError, parse_datetime, parse_time_of_day, with_time
from data_sources.records import ComplaintRecord, Rejection
from data_sources.validate import NormalizeContext, validate

NOW = datetime(2026, 6, 1, tzinfo=UTC)
WIB_0230 = datetime(2026, 1, 2, 7, 30, tzinfo=UTC)  # 2 January 2026 14:30 WIB


@pytest.fixture
def ctx() -> NormalizeContext:
    return NormalizeContext.from_reference(salt="test", now=lambda: NOW)


def raw(**over):
    base = {
        "external_id": "LPR-1",
        "title": "Jalan rusak",
        "description": "Lubang besar",
        "created_at": "2026-01-02T14:30:00+07:00",
        "status": "Baru",
        "channel": "Web",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not ...}


def ok(result) -> ComplaintRecord:
    assert isinstance(result, ComplaintRecord), result
    return result


def rejected(result, field: str) -> Rejection:
    assert isinstance(result, Rejection), result
    assert result.field == field, result
    return result


# --------------------------------------------------------------------------- dates ----


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-02T14:30:00+07:00",
        "2026-01-02T07:30:00Z",
        "2026-01-02T07:30:00+00:00",
        "2026-01-02 14:30:00",
        "2026-01-02 14:30",
        "02/01/2026 14:30",
        "2/1/2026 14:30",
        "02-01-2026 14:30",
        "02.01.2026 14:30:00",
        "02/01/26 14:30",
        "2 Januari 2026 14.30",
        "02 Jan 2026 14:30",
        "Jumat, 2 Januari 2026 14:30 WIB",
        "2 January 2026 2:30 PM",
        "02/01/2026 13:30 UTC+0".replace(" UTC+0", " +06:00"),
        "02/01/2026 15:30 WITA",
        46024.604166666664,
        "46024.60416666667",
        1767339000,
        1767339000000,
        datetime(2026, 1, 2, 14, 30),
    ],
)
def test_date_forms(value):
    assert parse_datetime(value) == WIB_0230


def test_date_only_forms_are_midnight_wib():
    expected = datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    for value in ("02/01/2026", "02-01-2026", "2026-01-02", "2 Januari 2026", date(2026, 1, 2), 46024):
        assert parse_datetime(value) == expected, value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("32/01/2026", "not a real date"),
        ("01/13/2026", "month 13"),
        ("2 Brumaire 2026", "unknown month"),
        ("kemarin", "cannot read"),
        ("#REF!", "spreadsheet error"),
        (5, "neither an Excel date"),
        (True, "not a date"),
        ("25/12/202", "three-digit year"),
        ("02/01/2026 25:61", "not a real"),
    ],
)
def test_unreadable_dates_say_why(value, fragment):
    with pytest.raises(DateError, match=fragment):
        parse_datetime(value)


def test_a_separate_time_column_joins_the_date():
    assert with_time(date(2026, 1, 2), "14.30") == datetime(2026, 1, 2, 14, 30)
    assert parse_time_of_day(0.6041666666666666).hour == 14
    assert with_time(datetime(2026, 1, 2, 9, 0), "14.30") == datetime(2026, 1, 2, 9, 0)  # own time wins
    with pytest.raises(DateError):
        parse_time_of_day("25.99")


# ---------------------------------------------------------------------- validation ----


def test_a_plain_record_is_normalised(ctx):
    rec = ok(validate(raw(category="Jalan Berlubang", agency="Dinas PU", kecamatan="IT I"), "elapor", ctx))
    assert (rec.source, rec.external_id, rec.status, rec.channel, rec.report_type) == (
        "elapor",
        "LPR-1",
        "baru",
        "web",
        "pengaduan",
    )
    assert rec.created_at == WIB_0230 and rec.created_at.tzinfo is UTC
    assert (rec.category_code, rec.agency_code, rec.kecamatan_code) == ("jalan_rusak", "pupr", "16.71.05")
    assert rec.updated_at == rec.created_at  # no updated_at given: the latest timestamp


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"external_id": ...}, "external_id"),
        ({"external_id": "  "}, "external_id"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"tracking_id": "t" * 33}, "tracking_id"),
        ({"created_at": ...}, "created_at"),
        ({"created_at": "-"}, "created_at"),
        ({"created_at": "bukan tanggal"}, "created_at"),
        ({"title": "", "description": None}, "title"),
        ({"verified_at": "kemarin"}, "verified_at"),
        ({"status": "Menggantung"}, "status"),
        ({"channel": "Telepati"}, "channel"),
        ({"report_type": "Gosip"}, "report_type"),
        ({"outcome": "Entahlah", "status": "ditutup"}, "outcome"),
        ({"anonymous": "mungkin"}, "anonymous"),
        ({"confidential": "?!"}, "confidential"),
        ({"lat": "abc", "lon": "104.7"}, "lat"),
        ({"lat": -2.9}, "lon"),
        ({"lat": 95, "lon": 200}, "lat"),
        ({"history": "not json"}, "history"),
        ({"history": [{"at": "2026-01-03", "status": "entah"}]}, "history"),
        ({"history": [{"status": "baru"}]}, "history"),
    ],
)
def test_rejections_name_the_field(ctx, over, field):
    rejected(validate(raw(**over), "elapor", ctx), field)


def test_a_closing_before_the_report_is_rejected_naming_both_fields(ctx):
    rej = rejected(validate(raw(status="ditutup", closed_at="2026-01-01 10:00"), "elapor", ctx), "closed_at")
    assert "closed_at" in rej.reason and "created_at" in rej.reason


def test_lifecycle_order_is_enforced(ctx):
    rej = rejected(
        validate(
            raw(status="diteruskan", verified_at="2026-01-04 10:00", forwarded_at="2026-01-03 10:00"),
            "e",
            ctx,
        ),
        "forwarded_at",
    )
    assert "verified_at" in rej.reason
    rejected(validate(raw(updated_at="2026-01-01 00:00"), "e", ctx), "updated_at")
    rejected(validate(raw(history=[{"at": "2025-12-01", "status": "baru"}]), "e", ctx), "history")


def test_implausible_and_future_dates_are_rejected(ctx):
    rejected(validate(raw(created_at="02/01/1999"), "e", ctx), "created_at")
    rejected(validate(raw(created_at=(NOW + timedelta(days=3)).isoformat()), "e", ctx), "created_at")
    ok(validate(raw(created_at=(NOW + timedelta(hours=3)).isoformat()), "e", ctx))  # clocks differ a little


def test_the_wall_clock_limit_kept_from_an_earlier_record_never_decides_alone():
    # With the real clock, the future limit of an earlier record is reused (the clock is read
    # again only for a moment past it): a moment past that old limit but not past the present
    # one is accepted, one past the present limit is rejected.
    ctx = NormalizeContext.from_reference(salt="test")
    now = datetime.now(UTC)
    ok(validate(raw(created_at=now.isoformat()), "e", ctx))
    ctx._limit = (now + timedelta(hours=1), ctx.max_future)  # as if computed 23 hours ago
    ok(validate(raw(created_at=(now + timedelta(hours=20)).isoformat()), "e", ctx))
    rejected(validate(raw(created_at=(now + timedelta(hours=30)).isoformat()), "e", ctx), "created_at")
    ctx.max_future = None
    ok(validate(raw(created_at=(now + timedelta(days=400)).isoformat()), "e", ctx))


def test_status_and_closing_must_agree(ctx):
    rejected(validate(raw(status="diteruskan", closed_at="2026-01-05 10:00"), "e", ctx), "status")
    rejected(validate(raw(status="ditutup"), "e", ctx), "status")  # closed, and nothing says when
    rec = ok(validate(raw(status="ditutup", updated_at="2026-01-06 09:00"), "e", ctx))
    assert rec.closed_at == rec.updated_at


def test_outcome_only_when_closed(ctx):
    rej = rejected(validate(raw(status="Dalam Proses", outcome="Selesai"), "e", ctx), "outcome")
    assert "still open" in rej.reason
    rec = ok(validate(raw(status="Selesai", resolved_at="2026-01-05 10:00"), "e", ctx))
    assert (rec.outcome, rec.closed_at, rec.resolved_at) == ("selesai", rec.resolved_at, rec.resolved_at)
    rec = ok(validate(raw(status="Ditutup", outcome="bukan wewenang", closed_at="2026-01-05"), "e", ctx))
    assert rec.outcome == "bukan_wewenang" and rec.resolved_at is None


def test_status_is_inferred_from_the_timestamps_or_the_history(ctx):
    assert ok(validate(raw(status=None, forwarded_at="2026-01-03 10:00"), "e", ctx)).status == "diteruskan"
    assert ok(validate(raw(status=None), "e", ctx)).status == "baru"
    history = [
        {"at": "2026-01-02T14:30:00+07:00", "status": "Baru"},
        {
            "at": "2026-01-04T09:00:00+07:00",
            "status": "Didisposisikan",
            "note": "ke Dinas PU, 0812-3456-7890",
        },
        {"at": "2026-01-03T09:00:00+07:00", "status": "verified"},
    ]
    rec = ok(validate(raw(status=None, history=history), "e", ctx))
    assert [c.status for c in rec.history] == ["baru", "diverifikasi", "diteruskan"]  # sorted by time
    assert rec.status == "diteruskan"
    assert rec.forwarded_at == datetime(2026, 1, 4, 2, 0, tzinfo=UTC)  # taken from the history
    assert "0812" not in rec.history[2].note


def test_history_as_json_text_is_read(ctx):
    rec = ok(validate(raw(history='[{"at": "2026-01-03 09:00", "status": "diverifikasi"}]'), "e", ctx))
    assert rec.history[0].status == "diverifikasi"


def test_defaults_and_unknowns_are_counted_not_rejected(ctx):
    rec = ok(validate(raw(channel=None, category="Keluhan Aneh", agency=None, kecamatan="Antah"), "e", ctx))
    assert (rec.channel, rec.category_code, rec.agency_code, rec.kecamatan_code) == (
        "web",
        "tidak_diketahui",
        "tidak_diketahui",
        None,
    )
    counts = ctx.take_counts()
    assert counts["unknown"]["category"] == 1 and counts["unknown"]["agency"] == 1
    assert counts["unknown"]["kecamatan"] == 1
    assert counts["unrecognised"]["category"] == {"Keluhan Aneh": 1}
    assert counts["notes"]["channel.defaulted"] == 1
    assert ctx.take_counts()["unknown"] == {}  # taken means reset


def test_long_titles_are_cut_and_a_missing_title_comes_from_the_text(ctx):
    rec = ok(validate(raw(title="x" * 250), "e", ctx))
    assert len(rec.title) == 200 and rec.title.endswith("…")
    rec = ok(validate(raw(title=None, description="Sampah menumpuk di pasar. Sudah tiga hari."), "e", ctx))
    assert rec.title.startswith("Sampah menumpuk")


def test_free_text_is_scrubbed_and_identity_is_hashed(ctx):
    rec = ok(
        validate(
            raw(
                title="Hubungi 0812-3456-7890",
                description="email b@x.id NIK 1671051234560001",
                reporter_name="Budi",
                reporter_phone="0812 3456 7890",
            ),
            "e",
            ctx,
        )
    )
    assert (
        "0812" not in rec.title
        and "b@x.id" not in rec.description
        and "1671051234560001" not in rec.description
    )
    assert rec.reporter_hash is not None and len(rec.reporter_hash) == 64
    assert not any(
        hasattr(rec, f) for f in ("reporter_name", "reporter_phone", "reporter_email", "reporter_nik")
    )


def test_anonymous_reports_keep_their_flags_and_no_hash(ctx):
    rec = ok(validate(raw(anonymous="Ya", confidential="Ya", reporter_phone="081234567890"), "e", ctx))
    assert rec.anonymous and rec.confidential and rec.reporter_hash is None


def test_rejection_payload_has_no_identity_and_every_problem_in_the_reason(ctx):
    rej = rejected(
        validate(
            raw(
                created_at="32/01/2026",
                lat="abc",
                lon="1",
                reporter_name="Budi",
                reporter_phone="081234567890",
                description="hubungi 081234567890",
            ),
            "e",
            ctx,
        ),
        "lat",
    )
    assert "created_at" in rej.reason
    assert not any(k.startswith("reporter") for k in rej.payload)
    assert "081234567890" not in str(rej.payload)
    assert rej.external_id == "LPR-1"


def test_coordinates(ctx):
    rec = ok(validate(raw(lat="104,7964", lon="-2,9535"), "e", ctx))  # swapped, decimal commas
    assert (rec.lat, rec.lon, rec.kecamatan_code) == (-2.9535, 104.7964, "16.71.10")
    rec = ok(validate(raw(lat=0, lon=0), "e", ctx))
    assert rec.lat is None and rec.lon is None


def test_validate_never_raises(ctx):
    for bad in ({"external_id": object()}, {"history": [1, 2]}, {"created_at": ["x"]}, {"lat": {"a": 1}}):
        assert isinstance(validate(raw(**bad), "e", ctx), Rejection)
    assert isinstance(validate("not a dict", "e", ctx), Rejection)  # type: ignore[arg-type]
