"""Benchmark of report generation at city scale (prints figures; asserts nothing).

    .venv/bin/python bench/reports.py [--complaints 1000000] [--database-url URL] [--keep DIR]

Seeds N complaints (two years, demo/seed.py bulk path) into a temporary database (SQLite by
default, or the given empty database), then prints the time to build the last full month's city
PDF and XLSX as the scheduler does, each beside its baseline measured in the same run (the
read-side queries alone), and the time and peak memory of the CSV and XLSX of every complaint
(the streamed exports, N rows each), beside the time to merely read those rows.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import load
from demo.seed import seed
from reports.content import build_content
from reports.generate import generate
from reports.periods import previous_complete, report_filter
from store.db import make_engine
from store.migrate import upgrade
from store.report_rows import iter_row_chunks
from store.reports_archive import ReportRequest, queue_report


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM, so the next reading is this step's peak.
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def _mem_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _timed(label: str, fn, *, memory: bool = False, baseline: float | None = None):
    _reset_peak()
    before = _mem_mb("VmRSS")
    t0 = time.perf_counter()
    out = fn()
    took = time.perf_counter() - t0
    extra = f"  peak RSS +{_mem_mb('VmHWM') - before:,.0f} MB" if memory else ""
    base = f"  (baseline {baseline:,.1f} s)" if baseline is not None else ""
    print(f"  {label:<48} {took:8.1f} s{base}{extra}", flush=True)
    return out, took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the files in")
    parser.add_argument("--skip-full", action="store_true", help="skip the all-rows CSV and XLSX")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = args.keep or Path(tmp)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        end = date(2026, 11, 28)
        t0 = time.perf_counter()
        seed(engine, complaints=args.complaints, days=730, seed=1, end=end)
        took = time.perf_counter() - t0
        print(f"seeded {args.complaints:,} complaints on {engine.dialect.name} in {took:.0f} s")
        settings = load({"DATA_DIR": str(folder), "DATABASE_URL": url})
        now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
        start, last = previous_complete("month", end)
        print(f"monthly city report {start} .. {last}:")

        def request(fmt: str, first: date = start, final: date = last) -> int:
            req = ReportRequest(
                fmt=fmt, lang="id", period_kind="month", period_start=first, period_end=final, kind="monthly"
            )
            return queue_report(engine, req)

        _, base = _timed(
            "read-side queries alone (baseline)", lambda: build_content(engine, _req(start, last), now)
        )
        _timed(
            "PDF (queries, 5 charts via kaleido, layout)",
            lambda: generate(engine, settings, request("pdf"), now),
            baseline=base,
        )
        _timed(
            "XLSX (queries, 4 sheets, the month's rows)",
            lambda: generate(engine, settings, request("xlsx"), now),
            baseline=base,
            memory=True,
        )
        if not args.skip_full:
            first = date(2020, 1, 1)
            flt = report_filter(first, end, "city", None)
            print(f"every complaint ({args.complaints:,} rows):")
            _, base = _timed(
                "read the rows only (baseline)",
                lambda: sum(len(c) for c in iter_row_chunks(engine, flt, True)),
                memory=True,
            )
            _timed(
                "CSV export",
                lambda: generate(engine, settings, request("csv", first, end), now),
                baseline=base,
                memory=True,
            )
            _timed(
                "XLSX export",
                lambda: generate(engine, settings, request("xlsx", first, end), now),
                baseline=base,
                memory=True,
            )
        engine.dispose()
    return 0


def _req(start: date, last: date) -> ReportRequest:
    return ReportRequest(fmt="pdf", lang="id", period_kind="month", period_start=start, period_end=last)


if __name__ == "__main__":
    raise SystemExit(main())
