"""A large CSV export streams: its Python memory stays under a fixed bound whatever the row count.

The bound: the streaming writer's tracemalloc peak stays under 40 MB while it writes 100,000
complaint rows (the same rows held as one list take several hundred MB). The 1,000,000-row
export is timed, with its peak, by bench/reports.py: at that size the seeding alone would make this
test too slow for CI, and a chunked writer's peak does not grow with the row count.
"""

from __future__ import annotations

import csv
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
