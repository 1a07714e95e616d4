"""Benchmark of the statistics read side at city scale (prints figures; asserts nothing).

    .venv/bin/python bench/stats.py [--complaints 1000000] [--runs 20] [--sql-runs 3]
                                    [--backends sqlite,postgresql] [--postgres-url URL]

Per back end it seeds N complaints into a fresh database (SQLite in a temporary file; PostgreSQL
in a temporary schema of --postgres-url), then prints:
- the in-memory columns (store.stats_columns): the whole read, their size, and the catch-up
  after 1,000 more complaints arrive;
- per filter mix, p50 and p95 of one page's statistics (kpis, breakdown per kecamatan, daily
  trend, funnel, outcomes, time-to-resolve bands) as the pages compute them (store.stats_fast,
  cache off), beside two baselines measured in the same run on the same data: the naive SQL
  (store.queries, the same figures as SQL over the complaint table) and a DuckDB scan of a
  native DuckDB table holding the same columns.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from demo.seed import seed
from store import queries, stats_columns, stats_fast
from store.db import make_engine
from store.filters import Filter
from store.migrate import upgrade

END = date(2026, 11, 27)
NOW = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)


def mixes(end: date) -> dict[str, Filter]:
    return {
        "city, 90 days": Filter(start=end - timedelta(days=89), end=end),
        "city, 2 years": Filter(start=end - timedelta(days=729), end=end),
        "1 kecamatan, 365 days": Filter(start=end - timedelta(days=364), end=end, kecamatan=("16.71.09",)),
        "category+OPD, 180 days": Filter(
            start=end - timedelta(days=179), end=end, category=("jalan_rusak",), agency=("pupr",)
        ),
        "SMS + open, 30 days": Filter(
            start=end - timedelta(days=29),
            end=end,
            channel=("sms1708",),
            status=("baru", "diverifikasi", "diteruskan", "ditindaklanjuti"),
        ),
    }


def page_figures(module, engine, f: Filter) -> list[float]:
    """What Statistik computes for one filter (store.queries and store.stats_fast alike); returns
    each query's seconds."""
    if module is stats_fast:
        # Start each page afresh: the columns keep a page's shared flags for its next queries,
        # which a repeated sample would otherwise find ready.
        derived = stats_columns.current(engine).derived
        for key in [k for k in derived if k.startswith("shared:")]:
            derived.pop(key, None)
    steps = (
        lambda: module.kpis(engine, f, NOW),
        lambda: module.breakdown(engine, f, "kecamatan", NOW),
        lambda: module.trend(engine, f, "D"),
        lambda: module.funnel(engine, f),
        lambda: module.outcomes(engine, f),
        lambda: module.resolution_distribution(engine, f),
    )
    out = []
    for step in steps:
        t0 = time.perf_counter()
        step()
        out.append(time.perf_counter() - t0)
    return out


def samples(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p50_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


# ------------------------------------------------------------------------ DuckDB ----


def duckdb_table(cols: stats_columns.Columns):
    """A DuckDB connection holding the columns as a native table `c` (the scan baseline)."""
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    frame = pd.DataFrame({name: cols[name] for name in stats_columns.NAMES})
    con.register("frame", frame)
    con.execute("CREATE TABLE c AS SELECT * FROM frame")
    con.unregister("frame")
    return con


def duckdb_figures(con, cols: stats_columns.Columns, f: Filter) -> None:
    """The page's figures as DuckDB SQL over the same columns and definitions."""
    where = [f"day BETWEEN {stats_fast._day(f.start)} AND {stats_fast._day(f.end)}"]
    lists = {
        "kecamatan": stats_fast._indexes(f.kecamatan, cols.kecamatan_codes),
        "category": stats_fast._ids(f.category, cols.category_ids),
        "agency": stats_fast._ids(f.agency, cols.agency_ids),
        "channel": stats_fast._indexes(f.channel, stats_columns.VOCABS["channel"]),
        "status": stats_fast._indexes(f.status, stats_columns.VOCABS["status"]),
    }
    for name, values in lists.items():
        if getattr(f, name):
            where.append(f"{name} IN ({','.join(map(str, values or [-99]))})")
    cond = " AND ".join(where)
    nodates = " AND ".join(where[1:]) or "TRUE"
    res = stats_fast._RESOLVED
    for period, now in ((f, NOW), (f.previous(), NOW - timedelta(days=f.days))):
        at = stats_fast._us(queries.backlog_moment(period, now))
        pc = cond.replace(
            where[0], f"day BETWEEN {stats_fast._day(period.start)} AND {stats_fast._day(period.end)}"
        )
        con.execute(
            f"SELECT count(*), count(*) FILTER (outcome = {res} AND resolved <= {at}),"
            f" quantile_cont(hours, [0.5, 0.9]) FILTER (outcome = {res} AND resolved <= {at}),"
            f" count(*) FILTER (first_response <= {at} OR response_due < {at}),"
            f" count(*) FILTER (first_response <= {at} AND on_time) FROM c WHERE {pc}"
        ).fetchall()
        con.execute(
            f"SELECT count(*) FILTER (closed > {at}), count(*) FILTER (closed > {at}"
            f" AND first_response > {at} AND response_due < {at}) FROM c WHERE {nodates} AND created <= {at}"
        ).fetchall()
    at = stats_fast._us(queries.backlog_moment(f, NOW))
    con.execute(
        f"SELECT kecamatan, count(*), count(*) FILTER (outcome = {res} AND resolved <= {at}),"
        f" quantile_cont(hours, [0.5, 0.9]) FILTER (outcome = {res} AND resolved <= {at})"
        f" FROM c WHERE {cond} GROUP BY kecamatan"
    ).fetchall()
    con.execute(
        f"SELECT kecamatan, count(*), count(*) FILTER (first_response > {at} AND response_due < {at})"
        f" FROM c WHERE {nodates} AND created <= {at} AND closed > {at} GROUP BY kecamatan"
    ).fetchall()
    con.execute(
        f"SELECT day, count(*), count(*) FILTER (outcome = {res}) FROM c WHERE {cond} GROUP BY day"
    ).fetchall()
    con.execute(
        f"SELECT count(*), count(*) FILTER (verified), count(*) FILTER (forwarded),"
        f" count(*) FILTER (first_response < {stats_columns.NULL_TIME}) FROM c WHERE {cond}"
    ).fetchall()
    con.execute(f"SELECT outcome, count(*) FROM c WHERE {cond} GROUP BY outcome").fetchall()
    con.execute(
        f"SELECT count(*) FILTER (hours <= 24), count(*) FILTER (hours > 24 AND hours <= 72),"
        f" count(*) FILTER (hours > 1440) FROM c WHERE {cond} AND outcome = {res}"
    ).fetchall()


# ---------------------------------------------------------------------- back ends ----


def sqlite_engine(tmp: str):
    return make_engine(f"sqlite:///{tmp}/bench.sqlite"), lambda: None


def postgres_engine(url: str):
    url = url.replace("postgresql://", "postgresql+psycopg://")
    schema = f"bench_stats_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def run_backend(name: str, engine, args) -> None:
    upgrade(engine)
    t0 = time.perf_counter()
    seed(engine, complaints=args.complaints, days=730, seed=42, end=END)
    print(f"\n== {name}: seeded {args.complaints:,} complaints in {time.perf_counter() - t0:.1f} s")
    stats_columns.forget()
    t0 = time.perf_counter()
    cols = stats_columns.current(engine)
    whole = time.perf_counter() - t0
    size = sum(a.nbytes for a in cols.arrays.values()) / 2**20
    seed(engine, complaints=1000, days=3, seed=43, end=END, append=True)
    t0 = time.perf_counter()
    cols = stats_columns.current(engine)
    catch_up = time.perf_counter() - t0
    print(
        f"in-memory columns: whole read {whole:.2f} s, {size:.0f} MB for {len(cols):,} rows;"
        f" catch-up after 1,000 new complaints {catch_up * 1000:.0f} ms ({cols.loaded})"
    )
    t0 = time.perf_counter()
    duck = duckdb_table(cols)
    print(f"DuckDB baseline: native table of the same columns built in {time.perf_counter() - t0:.2f} s")
    print("per query: p50 and p95 over every query of every sample; page: the six together")
    head = f"{'filter mix':<24}{'query p50':>10}{'p95':>7}{'page p50':>10}{'p95':>7}"
    print(
        head + f"{'naive SQL query p50':>21}{'page p50':>10}{'DuckDB page p50':>17}{'p95':>7}{'SQL/ours':>10}"
    )
    for label, f in mixes(END).items():
        page_figures(stats_fast, engine, f)  # warm the code paths, not the data
        ours = [page_figures(stats_fast, engine, f) for _ in range(args.runs)]
        naive = [page_figures(queries, engine, f) for _ in range(args.sql_runs)]
        ducks = p50_p95(samples(lambda f=f: duckdb_figures(duck, cols, f), args.runs))
        q50, q95 = p50_p95([x for page in ours for x in page])
        p50, p95 = p50_p95([sum(page) for page in ours])
        n50, _ = p50_p95([x for page in naive for x in page])
        np50, _ = p50_p95([sum(page) for page in naive])
        ms = [v * 1000 for v in (q50, q95, p50, p95, n50, np50, *ducks)]
        print(
            f"{label:<24}{ms[0]:>7.0f} ms{ms[1]:>4.0f} ms{ms[2]:>7.0f} ms{ms[3]:>4.0f} ms"
            f"{ms[4]:>18.0f} ms{ms[5]:>7.0f} ms{ms[6]:>14.0f} ms{ms[7]:>4.0f} ms{np50 / p50:>9.0f}x"
        )
    duck.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=20, help="samples per mix for ours and DuckDB")
    ap.add_argument("--sql-runs", type=int, default=3, help="samples per mix for the naive SQL (slow)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    args = ap.parse_args()
    print(
        f"statistics read side: one page's figures (6 queries) per filter mix, cache off;"
        f" {args.runs} samples ({args.sql_runs} for the naive SQL)"
    )
    for name in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="lj-bench-") as tmp:
            engine, drop = sqlite_engine(tmp) if name == "sqlite" else postgres_engine(args.postgres_url)
            try:
                run_backend(name, engine, args)
            finally:
                stats_columns.forget()
                engine.dispose()
                drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
