"""A large CSV export streams: its memory stays under a fixed bound whatever the row count.

Two bounds:
- 100,000 rows: the streaming writer's tracemalloc peak (Python allocations) stays under 40 MB.
- 1,000,000 rows: the exporting process's peak RSS grows by less than 150 MB over its RSS before
  the export. The export runs in a child process of its own, so the figure is that export's and
  not the test session's; tracemalloc would triple the time at this size. The same million rows
  held as one list would take well over a gigabyte.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tracemalloc
from datetime import date

import pytest
from sqlalchemy import func, insert, literal, select

from reports.periods import report_filter
from reports.tabular import write_csv
from store.models import Complaint
from tests.conftest import is_postgres

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

ROWS = 100_000
PEAK_BOUND_MB = 40
MILLION = 1_000_000
RSS_GROWTH_BOUND_MB = 150


def grow_complaints(engine, target: int) -> int:
    """Copy the table onto itself (new external ids) until it holds at least `target` rows."""
    cols = [c for c in Complaint.__table__.columns if c.name != "id"]
    names = [c.name for c in cols]
    generation = 0
    while True:
        with engine.begin() as conn:
            n = conn.execute(select(func.count()).select_from(Complaint)).scalar_one()
            if n >= target:
                return n
            generation += 1
            exprs = [
                (c + literal(f"-x{generation}")).label(c.name) if c.name == "external_id" else c for c in cols
            ]
            conn.execute(insert(Complaint).from_select(names, select(*exprs).limit(target - n)))


def test_a_100k_row_csv_export_stays_under_the_memory_bound(engine, tmp_path):
    from demo.seed import seed

    seed(engine, complaints=2000, days=60, seed=5, end=date(2026, 10, 31))
    total = grow_complaints(engine, ROWS)
    flt = report_filter(date(2026, 1, 1), date(2026, 12, 31), "city", None)
    path = tmp_path / "aduan.csv"

    tracemalloc.start()
    try:
        written = write_csv(engine, flt, True, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert written == total >= ROWS
    peak_mb = peak / 2**20
    back_end = "PostgreSQL (named cursor)" if is_postgres() else "SQLite"
    print(f"{back_end}: streaming CSV peak {peak_mb:.1f} MB for {written:,} rows")
    assert peak_mb < PEAK_BOUND_MB, f"{back_end}: streaming CSV peak {peak_mb:.1f} MB for {written:,} rows"
    with path.open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in csv.reader(fh)) == written + 1


_EXPORT = """
import json, sys
from datetime import date
from pathlib import Path
from reports.periods import report_filter
from reports.tabular import write_csv
from store.db import make_engine

def status_mb(field):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024

engine = make_engine(sys.argv[1])
flt = report_filter(date(2026, 1, 1), date(2026, 12, 31), "city", None)
engine.connect().close()  # driver and pool loaded before the baseline
before = status_mb("VmRSS")
written = write_csv(engine, flt, True, Path(sys.argv[2]))
# VmHWM, the peak of this process image, and not getrusage's ru_maxrss: Linux carries the
# parent's peak over a fork and exec into ru_maxrss, so after a long pytest session it reports
# the test runner's size (CI once saw 400 MB that way), not the export's.
peak = status_mb("VmHWM")
print(json.dumps({"written": written, "before_mb": before, "peak_mb": peak}))
"""


def test_a_million_row_csv_export_stays_under_the_rss_bound(engine, db_url, tmp_path):
    from demo.seed import seed

    seed(engine, complaints=2000, days=60, seed=5, end=date(2026, 10, 31))
    total = grow_complaints(engine, MILLION)
    path = tmp_path / "aduan.csv"
    out = subprocess.run(
        [sys.executable, "-c", _EXPORT, db_url, str(path)], capture_output=True, text=True, timeout=1100
    )
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    growth = figures["peak_mb"] - figures["before_mb"]
    back_end = "PostgreSQL (named cursor)" if is_postgres() else "SQLite"
    before, peak = figures["before_mb"], figures["peak_mb"]
    print(f"{back_end}: {figures['written']:,} rows, RSS {before:.0f} MB before, peak {peak:.0f} MB")
    assert figures["written"] == total >= MILLION
    assert growth < RSS_GROWTH_BOUND_MB, f"{back_end}: RSS grew {growth:.0f} MB for {total:,} rows"
    with path.open(encoding="utf-8-sig") as fh:
        assert sum(1 for _ in csv.reader(fh)) == total + 1
