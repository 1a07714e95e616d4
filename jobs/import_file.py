"""Import an e-Lapor export (CSV or XLSX): `python -m jobs.import_file PATH [--source NAME]`.

Valid rows are upserted, invalid rows quarantined with their reasons, and every problem is
reported as (row, column, reason). Rows are written in batches of 5,000, each batch (its
complaints, their status events and its quarantined rows) in one transaction: a crash leaves a
batch fully in or fully out, and importing the file again finishes the job. Re-importing the
same file changes nothing (ticket numbers, or a content hash for rows without one, are the ids).

The default source is "file:elapor" for every file, not one per file name: two exports that
overlap (January, then January-February) must not count a complaint twice. Pass --source elapor
to merge an export into the API-fed records when its ticket numbers are the API's ids.

Exit codes: 0 the file was processed (rejected rows included), 1 the import stopped part-way
(a database error; the batches before it are in), 2 the file cannot be read or a bad argument.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

from data_sources.files import FileReadError, Table, open_table
from data_sources.privacy import scrub
from data_sources.records import gc_paused
from data_sources.validate import NormalizeContext, check, rejection

log = logging.getLogger("jobs.import_file")

DEFAULT_SOURCE = "file:elapor"
JOB_ID = "import_file"
BATCH_SIZE = 5000
MAX_PROBLEMS = 10_000  # kept in the report (the page shows them); all of them are in quarantine


class ImportFailed(Exception):
    """The import stopped part-way; `report` holds what was done before."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class RowProblem:
    row: int  # row number as the spreadsheet shows it (header = its own row), or the CSV line
    column: str  # the header as written in the file
    reason: str
    external_id: str | None = None


@dataclass
class ImportReport:
    filename: str
    source: str
    kind: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0  # rows whose ticket number appeared earlier in the file
    problems: list[RowProblem] = field(default_factory=list)
    problems_not_listed: int = 0
    unknown: dict[str, int] = field(default_factory=dict)
    unrecognised: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None
    duration_s: float = 0.0
    status: str = "running"
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (the data-health page's upload shows it)."""
        return asdict(self)

    def summary(self) -> str:
        """One line: rows read and what became of them."""
        return (
            f"{self.rows} rows: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected (quarantined, source {self.source!r})"
        )


def _column(table: Table, field_name: str) -> str:
    if field_name == "title" and "title" not in table.columns:
        return table.columns.get("description", "title")
    if field_name in ("lat", "lon") and field_name not in table.columns:
        return table.columns.get("coordinates", field_name)
    return table.columns.get(field_name, field_name)


def import_file(
    engine: Engine,
    path_or_bytes: str | Path | bytes | IO[bytes],
    filename: str | None = None,
    source: str = DEFAULT_SOURCE,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    on_problem: Callable[[RowProblem], None] | None = None,
    ctx: NormalizeContext | None = None,
) -> ImportReport:
    """Import one CSV/XLSX export; returns the report. Raises FileReadError or ImportFailed.

    `progress(rows_done)` is called after each committed batch; `on_problem` for every problem
    as it is found (the report keeps the first MAX_PROBLEMS). The run is recorded in job_run.
    """
    from store.ingest import UpsertResult, load_normalize_context, write_batch
    from store.runs import finish_run, start_run

    if not source or len(source) > 32:
        raise ValueError(f"source must be 1-32 characters, got {source!r}")
    name = filename or (Path(path_or_bytes).name if isinstance(path_or_bytes, str | Path) else "upload")
    report = ImportReport(filename=name, source=source)
    started = time.monotonic()
    report.run_id = start_run(engine, JOB_ID)
    try:
        table = open_table(path_or_bytes, name)
    except FileReadError as exc:
        _finish(report, started, "failed", str(exc), finish_run, engine)
        raise
    ctx = ctx or load_normalize_context(engine)
    ctx.take_counts()
    report.kind, report.encoding, report.delimiter = table.kind, table.encoding, table.delimiter
    report.sheet, report.header_row = table.sheet, table.header_row
    report.columns, report.ignored_columns = dict(table.columns), list(table.ignored)
    seen: set[str] = set()
    records, rejections, first_row = [], [], None
    totals = UpsertResult()

    def flush() -> None:
        result, _ = write_batch(engine, records, rejections, job_run_id=report.run_id)
        totals.add(result)
        report.rejected += len(rejections)
        records.clear()
        rejections.clear()
        if progress is not None:
            progress(report.rows)

    with table, gc_paused():
        try:
            for number, raw in table.rows():
                report.rows += 1
                first_row = first_row or number
                record, problems = check(raw, source, ctx)
                if record is not None:
                    if record.external_id in seen:
                        report.duplicates += 1
                    seen.add(record.external_id)
                    records.append(record)
                else:
                    rejections.append(rejection(raw, source, problems, row=report.rows))
                    _report(report, table, number, raw, problems, on_problem)
                if len(records) + len(rejections) >= batch_size:
                    flush()
                    first_row = None
            if records or rejections:
                flush()
        except FileReadError as exc:
            _count(report, totals, ctx)
            _finish(report, started, "failed", str(exc), finish_run, engine)
            raise
        except Exception as exc:
            _count(report, totals, ctx)
            where = f"the batch starting at row {first_row}" if first_row else "the last batch"
            message = (
                f"import of {name} stopped: {where} was not written ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:300]}); the rows before it are in, importing again finishes it"
            )
            _finish(report, started, "failed", message, finish_run, engine)
            raise ImportFailed(message, report) from exc
    _count(report, totals, ctx)
    _finish(report, started, "ok", None, finish_run, engine)
    return report


def _report(report: ImportReport, table: Table, number: int, raw: dict, problems, on_problem) -> None:
    for p in problems:
        item = RowProblem(number, _column(table, p.field), scrub(p.reason), _short_id(raw.get("external_id")))
        if on_problem is not None:
            on_problem(item)
        if len(report.problems) < MAX_PROBLEMS:
            report.problems.append(item)
        else:
            report.problems_not_listed += 1


def _short_id(value: Any) -> str | None:
    return None if value is None else str(value)[:64]


def _count(report: ImportReport, totals, ctx: NormalizeContext) -> None:
    report.inserted, report.updated = totals.inserted, totals.updated
    report.unchanged = totals.unchanged
    counts = ctx.take_counts()
    report.unknown, report.unrecognised, report.notes = (
        counts["unknown"],
        counts["unrecognised"],
        counts["notes"],
    )


def _finish(report: ImportReport, started: float, status: str, error: str | None, finish_run, engine) -> None:
    report.status, report.error = status, error
    report.duration_s = round(time.monotonic() - started, 3)
    detail = {
        "filename": report.filename,
        "source": report.source,
        "kind": report.kind,
        "duplicates": report.duplicates,
        "unknown": report.unknown,
        "duration_s": report.duration_s,
    }
    try:
        finish_run(engine, report.run_id, status, fetched=report.rows, inserted=report.inserted,
                   updated=report.updated, unchanged=report.unchanged, rejected=report.rejected,
                   error=error, detail=detail)  # fmt: skip
    except Exception:  # the database is what failed: the report still tells the caller
        log.exception("could not record the end of import run %s", report.run_id)


# ---------------------------------------------------------------------------- CLI ----


def _print_report(report: ImportReport, out) -> None:
    fmt = report.kind.upper()
    extra = ", ".join(
        x
        for x in (
            report.encoding and f"encoding {report.encoding}",
            report.delimiter and f"delimiter {report.delimiter!r}",
            report.sheet and f"sheet {report.sheet!r}",
            report.header_row and f"header on row {report.header_row}",
        )
        if x
    )
    print(f"{report.filename}: {fmt} ({extra})", file=out)
    if report.ignored_columns:
        print(f"columns not used: {', '.join(report.ignored_columns)}", file=out)
    print(report.summary(), file=out)
    if report.duplicates:
        print(f"{report.duplicates} rows repeat a ticket number seen earlier in the file (the newest kept)",
              file=out)  # fmt: skip
    if report.unknown:
        parts = []
        for name, n in sorted(report.unknown.items()):
            seen = report.unrecognised.get(name)
            examples = f" (e.g. {', '.join(repr(v) for v in list(seen)[:3])})" if seen else ""
            parts.append(f"{name} {n}{examples}")
        print(f"unknown (stored as 'tidak diketahui'): {'; '.join(parts)}", file=out)
    print(f"took {report.duration_s:.2f}s", file=out)


def main(argv: list[str] | None = None) -> int:
    """Command line: import one file, print each problem as (row, column, reason), then a summary."""
    parser = argparse.ArgumentParser(prog="python -m jobs.import_file", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="CSV or XLSX export of e-Lapor")
    parser.add_argument("--source", default=DEFAULT_SOURCE, help=f"source name (default {DEFAULT_SOURCE})")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from config import ConfigError, get_settings
    from store.db import make_engine

    try:
        engine = make_engine(get_settings().database_url)
    except ConfigError as exc:
        print(f"error: configuration: {exc}", file=sys.stderr)
        return 2
    printed = [0]

    def show(problem: RowProblem) -> None:
        if not printed[0]:
            print(f"{'row':>6}  {'column':<24}  reason")
        printed[0] += 1
        print(f"{problem.row:>6}  {problem.column[:24]:<24}  {problem.reason}")

    try:
        report = import_file(engine, args.path, Path(args.path).name, args.source,
                             batch_size=max(1, args.batch_size), on_problem=show)  # fmt: skip
    except (FileReadError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportFailed as exc:
        _print_report(exc.report, sys.stdout)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the database is unreachable or not migrated
        hint = " (run `python -m store.migrate` first?)" if "no such table" in str(exc) else ""
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}{hint}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    _print_report(report, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
