"""SQLite and PostgreSQL give identical answers on the same seeded world."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from demo.seed import seed
from store import queries, stats_fast
from store.attention import attention
from store.db import make_engine
from store.filters import Filter
from store.migrate import upgrade
from tests.conftest import _pg_url, is_postgres, missing_tool

END = date(2026, 6, 30)
NOW = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
FILTERS = [
    Filter(start=date(2025, 7, 1), end=END),
    Filter(start=date(2026, 1, 1), end=date(2026, 3, 31), kecamatan=("16.71.05", "16.71.14")),
    Filter(start=date(2026, 4, 1), end=END, category=("banjir_drainase",), channel=("web", "app")),
    Filter(start=date(2026, 6, 1), end=END, status=("baru", "diteruskan"), report_type=("pengaduan",)),
]


def _pg_base() -> str:
    if is_postgres():
        return os.environ["DATABASE_URL"]
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    pg_base = _pg_base().replace("postgresql://", "postgresql+psycopg://")
    admin = create_engine(pg_base)
    try:
        with admin.connect():
            pass
    except Exception as exc:
        missing_tool(f"PostgreSQL not reachable at {pg_base}: {exc.__class__.__name__}")
    schema = f"t_agree_{os.getpid()}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    pg = make_engine(_pg_url(schema) if is_postgres() else _schema_url(pg_base, schema))
    lite = make_engine(f"sqlite:///{tmp_path_factory.mktemp('agree') / 'a.sqlite'}")
    for engine in (lite, pg):
        upgrade(engine)
        seed(engine, complaints=4000, days=500, seed=11, end=END)
    yield lite, pg
    lite.dispose()
    pg.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    else:
        assert a == b


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f"{f.start}..{f.end}")
def test_every_query_agrees(engines, f):
    lite, pg = engines
    assert queries.kpis(lite, f, NOW)["current"]["complaints"] > 0 or f.status
    _same(queries.kpis(lite, f, NOW), queries.kpis(pg, f, NOW))
    for dim in queries.DIMENSIONS:
        _same(queries.breakdown(lite, f, dim, NOW), queries.breakdown(pg, f, dim, NOW))
    for freq in ("D", "W"):
        _same(queries.trend(lite, f, freq), queries.trend(pg, f, freq))
    _same(queries.funnel(lite, f), queries.funnel(pg, f))
    _same(queries.outcomes(lite, f), queries.outcomes(pg, f))
    _same(queries.resolution_distribution(lite, f), queries.resolution_distribution(pg, f))
    _same(attention(lite, f, NOW), attention(pg, f, NOW))


@pytest.mark.parametrize(
    "f", [*FILTERS, Filter(start=date(2025, 1, 1), end=END)], ids=lambda f: f"{f.start}..{f.end}"
)
def test_in_memory_columns_give_the_sql_answers(engines, f):
    """store.stats_fast (what the pages read) equals store.queries (the SQL definitions), per back end."""
    for engine in engines:
        for now in (NOW, datetime(2026, 3, 31, 20, 30, 15, 123456, tzinfo=UTC)):
            _same(stats_fast.kpis(engine, f, now), queries.kpis(engine, f, now))
            for dim in queries.DIMENSIONS:
                _same(stats_fast.breakdown(engine, f, dim, now), queries.breakdown(engine, f, dim, now))
        for freq in ("D", "W"):
            _same(stats_fast.trend(engine, f, freq), queries.trend(engine, f, freq))
        _same(stats_fast.funnel(engine, f), queries.funnel(engine, f))
        _same(stats_fast.outcomes(engine, f), queries.outcomes(engine, f))
        _same(stats_fast.resolution_distribution(engine, f), queries.resolution_distribution(engine, f))


def test_as_of_and_bounds_agree(engines):
    lite, pg = engines
    assert queries.as_of(lite) == queries.as_of(pg)
    assert queries.date_bounds(lite) == queries.date_bounds(pg)
