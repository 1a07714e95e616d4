"""Benchmark of the statistics queries at city scale (prints figures; asserts nothing).

    .venv/bin/python bench/stats.py [--complaints 1000000] [--runs 5] [--database-url URL]

Seeds N complaints into a temporary database (SQLite by default, or the given URL, which must be
an empty database), then prints, per filter mix, the median time of the read side used by the
pages (kpis + breakdown per kecamatan + trend + funnel + outcomes + time-to-resolve bands) beside
a naive baseline measured in the same run: pandas over all rows (reading them, then filtering and
grouping in memory), which is what a dashboard without a read side does on every visit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from demo.seed import seed
from store import queries
from store.db import make_engine
from store.filters import Filter
from store.migrate import upgrade


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


def read_side(engine, f: Filter, now: datetime) -> None:
    queries.kpis(engine, f, now)
    queries.breakdown(engine, f, "kecamatan", now)
    queries.trend(engine, f, "D")
    queries.funnel(engine, f)
    queries.outcomes(engine, f)
    queries.resolution_distribution(engine, f)


def naive(frame: pd.DataFrame, f: Filter) -> None:
    """The same figures computed by pandas from a frame of every complaint."""
    m = frame["created_day"].between(f.start, f.end)
    for col, vals in (
        ("kecamatan_code", f.kecamatan),
        ("channel", f.channel),
        ("status", f.status),
        ("category", f.category),
        ("agency", f.agency),
    ):
        if vals:
            m &= frame[col].isin(vals)
    df = frame[m]
    resolved = df["outcome"] == "selesai"
    df.groupby("kecamatan_code").agg(n=("id", "size"), h=("hours_to_resolve", "median"))
    df[resolved]["hours_to_resolve"].quantile([0.5, 0.9])
    df.groupby("created_day").size()
    df["outcome"].value_counts(dropna=False)
    (df["first_response_at"].notna() & (df["first_response_at"] <= df["response_due_at"])).mean()


def load_all(engine) -> pd.DataFrame:
    return queries.all_rows_for_baseline(engine)


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="lj-bench-")
    url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite"
    engine = make_engine(url)
    upgrade(engine)
    end = date(2026, 11, 27)
    t0 = time.perf_counter()
    seed(engine, complaints=args.complaints, days=730, seed=42, end=end)
    print(
        f"back end: {engine.dialect.name}; seeded {args.complaints:,} complaints in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    now = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    t0 = time.perf_counter()
    frame = load_all(engine)
    load_s = time.perf_counter() - t0
    print(f"baseline: reading all {len(frame):,} rows into pandas takes {load_s:.2f} s (once per visit)")
    print(f"{'filter mix':<26}{'read side (median)':>20}{'naive pandas':>16}{'naive + read':>16}{'ratio':>8}")
    for name, f in mixes(end).items():
        ours = timed(lambda f=f: read_side(engine, f, now), args.runs)
        base = timed(lambda f=f: naive(frame, f), args.runs)
        print(
            f"{name:<26}{ours * 1000:>17.0f} ms{base * 1000:>13.0f} ms{(base + load_s) * 1000:>13.0f} ms"
            f"{(base + load_s) / ours:>7.1f}x"
        )
    engine.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
