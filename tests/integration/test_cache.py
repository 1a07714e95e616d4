"""The statistics cache (store/cache.py) and the data version (store/data_version.py), on the
configured back end: hits are counted as calls that did not reach the query, a bumped or changed
data version gives fresh figures, Redis is shared between two caches (two workers), and a dead
Redis costs nothing but the caching.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from store import cache, data_version, queries, stats_fast
from store.cache import StatsCache, filter_key, use_cache
from store.calendar import WIB, WorkCalendar
from store.derive import derive_fields
from store.filters import Filter
from store.models import Agency, Category, Complaint
from tests.conftest import missing_tool

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=WIB)
PERIOD = Filter(start=date(2026, 3, 1), end=date(2026, 3, 14))
K05, K11 = "16.71.05", "16.71.11"
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _add(engine, n: int, kec: str = K05, resolved: bool = False, bump: bool = False) -> None:
    """One complaint received on 2 March + n hours; resolved a day later when `resolved`."""
    created = datetime(2026, 3, 2, 9, tzinfo=WIB) + timedelta(hours=n)
    done = created + timedelta(days=1) if resolved else None
    with Session(engine) as s:
        cat = s.execute(select(Category.id).where(Category.code == "jalan_rusak")).scalar_one()
        agency = s.execute(select(Agency.id).where(Agency.code == "pupr")).scalar_one()
        row = dict(
            source="test",
            external_id=str(n),
            tracking_id=f"T-{n}",
            report_type="pengaduan",
            title=f"Aduan {n}",
            description="",
            confidential=False,
            category_id=cat,
            agency_id=agency,
            kecamatan_code=kec,
            channel="web",
            created_at=created,
            verified_at=created + timedelta(hours=1),
            forwarded_at=created + timedelta(hours=2),
            first_response_at=created + timedelta(hours=3),
            resolved_at=done,
            closed_at=done,
            status="selesai" if resolved else "ditindaklanjuti",
            outcome="selesai" if resolved else None,
            updated_at=done or created + timedelta(hours=3),
        )
        s.add(Complaint(**derive_fields(row, WorkCalendar())))
        if bump:
            data_version.bump(s.connection())
        s.commit()


@pytest.fixture
def world(engine):
    for n in range(1, 4):
        _add(engine, n, resolved=n == 1)
    _add(engine, 4, kec=K11)
    return engine


@pytest.fixture
def simple_cache():
    c = StatsCache("", timeout_s=300)
    use_cache(c)
    yield c
    use_cache(None)


@pytest.fixture
def count(monkeypatch):
    """count(name) wraps store.stats_fast.<name> and returns the list its calls are appended to."""

    def _count(name: str) -> list:
        calls: list = []
        real = getattr(stats_fast, name)

        def counted(*args, **kwargs):
            calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(stats_fast, name, counted)
        return calls

    return _count


def test_a_second_identical_read_is_served_from_the_cache(world, simple_cache, count):
    calls = count("kpis")

    first = cache.kpis(world, PERIOD, NOW)
    second = cache.kpis(world, PERIOD, NOW)

    assert len(calls) == 1
    assert first == second == queries.kpis(world, PERIOD, NOW)
    assert second["current"]["complaints"] == 4


def test_the_filter_key_ignores_list_order_and_repeats_and_nothing_else(world, simple_cache, count):
    a = PERIOD.with_(kecamatan=(K05, K11))
    assert filter_key(a) == filter_key(PERIOD.with_(kecamatan=(K11, K05, K11)))
    assert filter_key(a) != filter_key(PERIOD.with_(kecamatan=(K05,)))
    assert filter_key(a) != filter_key(a.with_(end=date(2026, 3, 13)))
    assert filter_key(a) != filter_key(a.with_(channel=("web",)))
    calls = count("breakdown")

    cache.breakdown(world, a, "kecamatan", NOW, "id")
    cache.breakdown(world, PERIOD.with_(kecamatan=(K11, K05)), "kecamatan", NOW, "id")
    assert len(calls) == 1
    # Another dimension, language or filter is another entry.
    cache.breakdown(world, a, "category", NOW, "id")
    english = cache.breakdown(world, a, "category", NOW, "en")
    only_k05 = cache.breakdown(world, PERIOD.with_(kecamatan=(K05,)), "kecamatan", NOW, "id")
    assert len(calls) == 4
    assert english["name"].tolist() == ["Damaged Roads"]
    assert only_k05["complaints"].tolist() == [3]


def test_new_complaints_change_the_version_even_without_a_bump(world, simple_cache, count):
    calls = count("kpis")
    before = data_version.current(world)
    assert cache.kpis(world, PERIOD, NOW)["current"]["complaints"] == 4

    _add(world, 5)  # a writer that does not bump (yet)

    assert data_version.current(world) != before
    assert cache.kpis(world, PERIOD, NOW)["current"]["complaints"] == 5
    assert len(calls) == 2


def test_a_bump_in_the_writers_transaction_gives_fresh_figures(world, simple_cache, count):
    calls = count("kpis")
    assert cache.kpis(world, PERIOD, NOW)["current"]["resolved"] == 1
    resolve = (
        update(Complaint)
        .where(Complaint.external_id == "2")
        .values(outcome="selesai", status="selesai", resolved_at=datetime(2026, 3, 4, 9, tzinfo=WIB))
    )

    # An edit that adds no row, no event and no watermark is invisible to the fingerprint...
    with world.begin() as conn:
        conn.execute(resolve)
    assert cache.kpis(world, PERIOD, NOW)["current"]["resolved"] == 1
    # ...and the writer's stamp and bump, committed with its rows, are what make it seen (the
    # in-memory columns read the rows stamped with a newer version than theirs).
    before = data_version.current(world)
    with world.begin() as conn:
        rev = data_version.reserve(conn)
        conn.execute(resolve.values(rev=rev))
        data_version.bump(conn)
    assert data_version.current(world) != before
    assert cache.kpis(world, PERIOD, NOW)["current"]["resolved"] == 2
    assert len(calls) == 2


def test_a_rolled_back_bump_changes_nothing(engine):
    before = data_version.current(engine)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        data_version.bump(conn)
        raise RuntimeError("the batch failed")
    assert data_version.current(engine) == before
    cameras_before = data_version.current(engine, domain="cameras")
    with engine.begin() as conn:
        data_version.bump(conn)
        data_version.bump(conn, domain="cameras")
    # Migrating already bumped "complaints" once (the reference data); each domain counts apart.
    assert int(data_version.current(engine).split(".")[0]) == int(before.split(".")[0]) + 1
    assert (
        int(data_version.current(engine, domain="cameras").split(".")[0])
        == int(cameras_before.split(".")[0]) + 1
    )


def test_the_version_is_read_without_the_counter_table(world):
    with world.begin() as conn:
        data_version.bump(conn)
    counted = data_version.current(world)
    with world.begin() as conn:
        conn.execute(text("DROP TABLE data_version"))

    fingerprint_only = data_version.current(world)
    _add(world, 9)

    assert fingerprint_only.split(".")[1:] == counted.split(".")[1:]
    assert data_version.current(world) != fingerprint_only


def test_one_version_read_per_web_request(world, simple_cache, monkeypatch):
    from flask import Flask

    reads = []
    real = data_version.current
    monkeypatch.setattr(
        data_version, "current", lambda engine, domain="complaints": reads.append(1) or real(engine)
    )
    with Flask(__name__).test_request_context("/statistik"):
        cache.kpis(world, PERIOD, NOW)
        cache.trend(world, PERIOD, "D")
        cache.funnel(world, PERIOD)
    assert len(reads) == 1
    with Flask(__name__).test_request_context("/statistik"):
        cache.kpis(world, PERIOD, NOW)
    assert len(reads) == 2


def test_cache_timeout_zero_turns_caching_off(world, count):
    use_cache(StatsCache("", timeout_s=0))
    try:
        calls = count("trend")
        cache.trend(world, PERIOD, "W")
        cache.trend(world, PERIOD, "W")
    finally:
        use_cache(None)
    assert len(calls) == 2


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        missing_tool(f"Redis on 127.0.0.1:6379 ({exc})")


def test_redis_is_shared_by_two_workers_caches(world, count):
    _redis_or_skip()
    worker_a, worker_b = StatsCache(REDIS_TEST_URL, 300), StatsCache(REDIS_TEST_URL, 300)
    assert worker_a.kind == "redis"
    calls = count("breakdown")
    try:
        use_cache(worker_a)
        a = cache.breakdown(world, PERIOD, "kecamatan", NOW, "id")
        use_cache(worker_b)
        b = cache.breakdown(world, PERIOD, "kecamatan", NOW, "id")
        assert len(calls) == 1
        assert a.equals(b)
        _add(world, 7, kec=K11, bump=True)
        fresh = cache.breakdown(world, PERIOD, "kecamatan", NOW, "id")
        assert len(calls) == 2
        assert dict(zip(fresh["key"], fresh["complaints"], strict=True)) == {K05: 3, K11: 2}
    finally:
        worker_a.clear()
        use_cache(None)


def test_a_dead_redis_falls_back_to_computing_without_error(world, count, caplog):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = StatsCache(f"redis://127.0.0.1:{port}/0", 300)
    expected = queries.kpis(world, PERIOD, NOW)
    use_cache(dead)
    calls = count("kpis")
    try:
        first = cache.kpis(world, PERIOD, NOW)
        second = cache.kpis(world, PERIOD, NOW)
    finally:
        use_cache(None)
    assert first == second == expected
    assert len(calls) == 2
    # One warning: after the first failure the dead Redis is not asked again for a while.
    warnings = [r for r in caplog.records if r.name == "lawangjabo.cache"]
    assert len(warnings) == 1 and "computing without it" in warnings[0].getMessage()


def test_concurrent_misses_of_one_key_compute_once(world, simple_cache, monkeypatch):
    started, release = threading.Event(), threading.Event()
    calls = []
    real = stats_fast.kpis

    def slow(*args, **kwargs):
        calls.append(1)
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(stats_fast, "kpis", slow)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.kpis(world, PERIOD, NOW))) for _ in range(3)
    ]
    threads[0].start()
    assert started.wait(10)
    for t in threads[1:]:
        t.start()
    # Released only once the other two wait on the same key (not on a timer).
    deadline = time.monotonic() + 10
    while sum(f.users for f in list(cache._FLIGHTS.values())) < 3 and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1
    assert len(results) == 3 and results[0] == results[1] == results[2]
    assert cache._FLIGHTS == {}
