"""Generate one archived report: `python -m reports.generate <archive id>`.

Run as its own process by the Laporan page (so the web worker never renders a PDF or streams a
million rows) and called in-process by the scheduled-report job. Progress goes to the archive
row, which the page polls; the file is written under a temporary name and moved into place, so a
download never sees half a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from config import Settings
from reports.content import build_content
from store.report_rows import count_rows
from store.reports_archive import (
    ReportRequest,
    fail_report,
    finish_report,
    get_report,
    mark_running,
    set_progress,
)

log = logging.getLogger("reports")


def request_of(row: dict) -> ReportRequest:
    """The ReportRequest an archive row stands for."""
    return ReportRequest(
        fmt=row["fmt"],
        lang=row["lang"],
        period_kind=row["period_kind"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        scope_kind=row["scope_kind"],
        scope_code=row["scope_code"],
        confidential=row["confidential"],
        kind=row["kind"],
        requested_by=row["requested_by"],
    )


def file_name(report_id: int, req: ReportRequest) -> str:
    """Relative path under REPORT_DIR: <yyyy>/<mm>/laporan-<start>_<end>-<scope>-<id>.<fmt>."""
    scope = "kota" if req.scope_kind == "city" else f"{req.scope_kind}-{req.scope_code}".replace(".", "")
    start, end = req.period_start, req.period_end
    return f"{start:%Y}/{start:%m}/laporan-{start:%Y%m%d}_{end:%Y%m%d}-{scope}-{report_id}.{req.fmt}"


def _render(engine: Engine, report_id: int, req: ReportRequest, target: Path, now: datetime) -> int | None:
    def stage(progress: int, name: str) -> None:
        set_progress(engine, report_id, progress, name)

    stage(5, "queries")
    if req.fmt == "csv":
        from reports.periods import report_filter
        from reports.tabular import write_csv

        flt = report_filter(req.period_start, req.period_end, req.scope_kind, req.scope_code)
        total = max(1, count_rows(engine, flt, req.confidential))
        return write_csv(engine, flt, req.confidential, target, lambda n: stage(10 + 85 * n // total, "rows"))
    content = build_content(engine, req, now=now)
    if req.fmt == "xlsx":
        from reports.tabular import write_xlsx

        total = count_rows(engine, content.flt, req.confidential)
        stage(20, "rows")
        return write_xlsx(
            engine, content, target, total, lambda n: stage(20 + 75 * n // max(1, total), "rows")
        )
    from reports.charts import export_png, report_charts
    from reports.pdf import write_pdf

    stage(30, "charts")
    charts = report_charts(content)
    with tempfile.TemporaryDirectory(prefix="charts-", dir=target.parent) as tmp:
        pngs = export_png(charts, Path(tmp))
        stage(80, "pdf")
        write_pdf(content, charts, pngs, target)
    return None


def generate(engine: Engine, settings: Settings, report_id: int, now: datetime | None = None) -> Path:
    """Render archive row `report_id` into REPORT_DIR and mark it done; on error mark it failed and raise."""
    row = get_report(engine, report_id)
    if row is None:
        raise LookupError(f"report {report_id} is not in the archive")
    now = now or datetime.now(UTC)
    req = request_of(row)
    mark_running(engine, report_id, pid=os.getpid())
    relative = file_name(report_id, req)
    final = settings.report_dir.resolve() / relative
    partial = final.with_name(f".{final.name}.part")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        rows = _render(engine, report_id, req, partial, now)
        os.replace(partial, final)
    except BaseException as exc:
        # Every failure lands on the row (the page shows it); the half-written file goes.
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        fail_report(engine, report_id, f"{type(exc).__name__}: {exc}")
        raise
    finish_report(engine, report_id, relative, final.stat().st_size, rows)
    return final


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the archived report whose id is the only argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        print("usage: python -m reports.generate <archive id>", file=sys.stderr)
        return 2
    from config import get_settings
    from store.db import get_engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        path = generate(get_engine(), get_settings(), int(args[0]))
    except Exception:
        traceback.print_exc()
        return 1
    log.info("report %s written to %s", args[0], path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
