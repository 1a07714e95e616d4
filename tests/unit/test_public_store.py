"""store.public on a hand-built world whose published answers were worked out by hand.

Now is Monday 16 March 2026, 12:00 WIB; the period is 1-14 March 2026 and the figures are taken
at its end (15 March 00:00 WIB). Seven complaints, chosen so that some cells are 1 or 2:

    #  kecamatan  category         week of   outcome            SLA
    1  16.71.05   jalan_rusak      2 Mar     resolved in 24 h   met
    2  16.71.05   jalan_rusak      2 Mar     resolved in 48 h   met
    3  16.71.05   jalan_rusak      2 Mar     resolved in 72 h   met
    4  16.71.05   sampah           2 Mar     open, no follow-up missed (beyond SLA)
    5  16.71.11   jalan_rusak      9 Mar     resolved in 96 h   met
    6  16.71.11   pju              9 Mar     new                not evaluated
    7  16.71.01   banjir_drainase  23 Feb    resolved in 120 h  met   (Rahasia: counted, never shown)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.calendar import WIB, WorkCalendar
from store.derive import derive_fields
from store.filters import Filter, FilterError
from store.models import Agency, Category, Complaint
from store.public import (
    SUPPRESSED,
    public_breakdown,
    public_filter,
    public_freshness,
    public_kpis,
    public_trend,
    suppress_count,
)
from store.runs import finish_run, start_run, sync_job_id

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=WIB)
PERIOD = Filter(start=date(2026, 3, 1), end=date(2026, 3, 14))
K01, K05, K11 = "16.71.01", "16.71.05", "16.71.11"
CANARY = "Rumah saya di Jl. Mawar 12, telepon 0812-0000-1111"


def t(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=WIB)


def _resolved(n, kec, cat, created, hours, **extra):
    return dict(
        n=n,
        kec=kec,
        cat=cat,
        created=created,
        verified=created + timedelta(hours=1),
        forwarded=created + timedelta(hours=2),
        response=created + timedelta(hours=3),
        resolved=created + timedelta(hours=hours),
        status="selesai",
        outcome="selesai",
        **extra,
    )


WORLD = [
    _resolved(1, K05, "jalan_rusak", t(2), 24),
    _resolved(2, K05, "jalan_rusak", t(3), 48),
    _resolved(3, K05, "jalan_rusak", t(4), 72),
    # Forwarded Fri 6 Mar, never answered: due end of Fri 13 Mar, beyond SLA at the period's end.
    dict(n=4, kec=K05, cat="sampah", created=t(5), verified=t(5, 10), forwarded=t(6), status="diteruskan"),
    _resolved(5, K11, "jalan_rusak", t(9), 96),
    dict(n=6, kec=K11, cat="pju", created=t(13), status="baru"),
    _resolved(7, K01, "banjir_drainase", t(1), 120, confidential=True, description=CANARY),
]


@pytest.fixture
def world(engine):
    cal = WorkCalendar()
    with Session(engine) as s:
        cats = dict(s.execute(select(Category.code, Category.id)).all())
        agency = s.execute(select(Agency.id).where(Agency.code == "pupr")).scalar_one()
        for w in WORLD:
            times = [w.get(k) for k in ("created", "verified", "forwarded", "response", "resolved")]
            row = dict(
                source="test",
                external_id=str(w["n"]),
                tracking_id=f"T-{w['n']}",
                report_type="pengaduan",
                title=f"Aduan {w['n']}",
                description=w.get("description", ""),
                confidential=w.get("confidential", False),
                category_id=cats[w["cat"]],
                agency_id=agency,
                kecamatan_code=w["kec"],
                channel="web",
                created_at=w["created"],
                verified_at=w.get("verified"),
                forwarded_at=w.get("forwarded"),
                first_response_at=w.get("response"),
                resolved_at=w.get("resolved"),
                closed_at=w.get("resolved"),
                status=w["status"],
                outcome=w.get("outcome"),
                updated_at=max(x for x in times if x is not None),
            )
            s.add(Complaint(**derive_fields(row, cal)))
        s.commit()
    return engine


def test_a_count_is_published_as_less_than_three_only_for_one_and_two():
    assert [suppress_count(n) for n in (None, 0, 1, 2, 3, 1200)] == [None, 0, SUPPRESSED, SUPPRESSED, 3, 1200]


def test_kpis_count_everything_and_hide_only_small_figures(world):
    k = public_kpis(world, PERIOD, now=NOW)
    # Seven complaints, the confidential one included; five resolved.
    assert k["complaints"] == 7
    assert k["resolved_pct"] == pytest.approx(71.4)
    # Six evaluated (all but the new one), five met.
    assert k["sla_pct"] == pytest.approx(83.3)
    assert k["median_days"] == pytest.approx(3.0)  # 24, 48, 72, 96, 120 h: median 72 h
    assert k["open_beyond_sla"] == SUPPRESSED  # one
    assert k["at"] == datetime(2026, 3, 15, 0, 0, tzinfo=WIB)


def test_kecamatan_rows_suppress_small_cells_and_their_rates(world):
    rows = {r["key"]: r for r in public_breakdown(world, PERIOD, "kecamatan", now=NOW)}
    assert rows[K05] == {
        "key": K05,
        "name": "Ilir Timur I",
        "complaints": 4,
        "resolved_pct": 75.0,
        "sla_pct": 75.0,
        "median_days": 2.0,  # 24, 48, 72 h
        "open_beyond_sla": SUPPRESSED,
    }
    # Two complaints: "<3", and every rate computed from them is withheld.
    assert rows[K11]["complaints"] == SUPPRESSED
    assert (rows[K11]["resolved_pct"], rows[K11]["sla_pct"], rows[K11]["median_days"]) == (None, None, None)
    # The confidential complaint is counted like any other and nothing else about it leaves.
    assert rows[K01]["complaints"] == SUPPRESSED
    assert CANARY not in repr(rows)


def test_category_rows_in_english_largest_first(world):
    rows = public_breakdown(world, PERIOD, "category", now=NOW, lang="en")
    assert [(r["key"], r["complaints"]) for r in rows] == [
        ("jalan_rusak", 4),
        ("banjir_drainase", SUPPRESSED),
        ("pju", SUPPRESSED),
        ("sampah", SUPPRESSED),
    ]
    assert rows[0]["name"] == "Damaged Roads"
    assert rows[0]["resolved_pct"] == 100.0


def test_an_unknown_dimension_is_refused(world):
    with pytest.raises(ValueError):
        public_breakdown(world, PERIOD, "reporter", now=NOW)


def test_weeks_with_one_or_two_complaints_are_blanked_and_flagged(world):
    trend = public_trend(world, PERIOD)
    by_week = {row.period.date(): row for row in trend.itertuples()}
    # Weeks start on Monday: 23 Feb (the 1 March complaint), 2 Mar (four), 9 Mar (two).
    assert by_week[date(2026, 3, 2)].complaints == 4 and not by_week[date(2026, 3, 2)].suppressed
    assert by_week[date(2026, 3, 2)].resolved == 3
    for week in (date(2026, 2, 23), date(2026, 3, 9)):
        assert by_week[week].suppressed
        assert by_week[week].complaints is None and by_week[week].resolved is None


def test_a_narrow_filter_narrows_and_still_suppresses(world):
    k = public_kpis(world, PERIOD.with_(kecamatan=(K11,)), now=NOW)
    assert k["complaints"] == SUPPRESSED and k["resolved_pct"] is None and k["median_days"] is None


def test_public_filter_takes_only_the_public_parameters(world):
    today = date(2026, 3, 16)
    f = public_filter(
        world, {"dari": "2026-03-01", "sampai": "2026-03-14", "kecamatan": K05, "status": "baru"}, today
    )
    assert (f.start, f.end, f.kecamatan, f.status) == (date(2026, 3, 1), date(2026, 3, 14), (K05,), ())
    default = public_filter(world, {}, today)
    assert (default.start, default.end) == (date(2025, 12, 17), today)  # 90 days
    with pytest.raises(FilterError):
        public_filter(world, {"kategori": "x' OR 1=1"}, today)


def test_freshness_flags_data_over_a_day_old(world):
    # The newest change in the world: 13 Mar 09:00 WIB (#6 came in, #5 was resolved).
    newest = t(13)
    fresh = public_freshness(world, newest + timedelta(hours=2), sync_interval_min=5)
    assert fresh["as_of"] == newest and not fresh["stale"]
    late = public_freshness(world, newest + timedelta(hours=25), sync_interval_min=5)
    assert late["stale"] and late["age"] == timedelta(hours=25)


def test_freshness_flags_a_late_feed_even_with_recent_data(world):
    newest = public_freshness(world, NOW, 5)["as_of"]
    run = start_run(world, sync_job_id("elapor"), now=newest - timedelta(hours=3))
    finish_run(world, run, "ok", now=newest - timedelta(hours=3))
    # Data one hour old, but the last good sync three hours ago with a 5-minute interval.
    assert public_freshness(world, newest + timedelta(hours=1), sync_interval_min=5)["stale"]
    assert not public_freshness(world, newest + timedelta(hours=1), sync_interval_min=600)["stale"]


def test_freshness_of_an_empty_database(engine):
    assert public_freshness(engine, NOW, 5) == {"as_of": None, "age": None, "stale": False}


def test_the_licence_line_can_travel_in_an_http_header():
    from store.public import LICENCE

    # routes/open_data.py sends it as X-Licence; HTTP headers are Latin-1 (an em dash broke them).
    LICENCE.encode("latin-1")
    assert LICENCE.startswith("CC BY 4.0") and "creativecommons.org/licenses/by/4.0" in LICENCE
