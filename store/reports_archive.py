"""The report archive table: queue a report, claim a scheduled one, record progress and the file.

Writers: the Laporan page (queue), `python -m reports.generate` and the scheduled-report job
(progress, done, failed). Readers: the Laporan page (list, poll) and routes/reports.py (download).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from store.db import dialect_insert
from store.models_reports import ReportArchive

R = ReportArchive
_ERROR_MAX = 4000


@dataclass(frozen=True)
class ReportRequest:
    """What a report covers: the period (WIB days, inclusive), scope, language and file format."""

    fmt: str
    lang: str
    period_kind: str
    period_start: date
    period_end: date
    scope_kind: str = "city"
    scope_code: str | None = None
    confidential: bool = True
    kind: str = "on_demand"
    requested_by: str | None = None


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _values(req: ReportRequest) -> dict[str, Any]:
    return {
        "kind": req.kind,
        "fmt": req.fmt,
        "lang": req.lang,
        "period_kind": req.period_kind,
        "period_start": req.period_start,
        "period_end": req.period_end,
        "scope_kind": req.scope_kind,
        "scope_code": req.scope_code,
        "confidential": req.confidential,
        "requested_by": req.requested_by,
    }


def queue_report(engine: Engine, req: ReportRequest, now: datetime | None = None) -> int:
    """Add a queued on-demand report; returns its archive id."""
    with engine.begin() as conn:
        return conn.execute(
            insert(R)
            .values(**_values(req), status="queued", progress=0, created_at=_now(now))
            .returning(R.id)
        ).scalar_one()


def claim_scheduled(
    engine: Engine, key: str, req: ReportRequest, now: datetime | None = None, rerun: bool = False
) -> int | None:
    """The archive id to generate for schedule `key`, or None when it is done or already running.

    One row per key, whatever the number of runners: the insert is ON CONFLICT DO NOTHING, then
    the row is taken over only from "queued"/"failed" (or "done" when `rerun`) by a conditional
    update, so of two runners at most one gets the id.
    """
    now = _now(now)
    with engine.begin() as conn:
        conn.execute(
            dialect_insert(conn, R)
            .values(**_values(req), schedule_key=key, status="queued", progress=0, created_at=now)
            .on_conflict_do_nothing(index_elements=["schedule_key"])
        )
        takeable = ("queued", "failed", "done") if rerun else ("queued", "failed")
        row = conn.execute(
            update(R)
            .where(R.schedule_key == key, R.status.in_(takeable))
            .values(status="running", progress=0, stage=None, error=None, started_at=now, created_at=now)
            .returning(R.id)
        ).first()
    return None if row is None else int(row[0])


def mark_running(engine: Engine, report_id: int, pid: int | None = None, now: datetime | None = None) -> None:
    """Record that generation started (by process `pid`)."""
    with engine.begin() as conn:
        conn.execute(
            update(R)
            .where(R.id == report_id, R.status.in_(("queued", "running")))
            .values(status="running", started_at=_now(now), pid=pid, progress=1)
        )


def set_progress(engine: Engine, report_id: int, progress: int, stage: str) -> None:
    """Record how far generation is (0-100) and the stage it is in."""
    with engine.begin() as conn:
        conn.execute(
            update(R)
            .where(R.id == report_id, R.status == "running")
            .values(progress=max(0, min(100, int(progress))), stage=stage)
        )


def finish_report(
    engine: Engine, report_id: int, path: str, size_bytes: int, rows: int | None, now: datetime | None = None
) -> None:
    """Mark a report done with its file (relative to REPORT_DIR), size and complaint-row count."""
    with engine.begin() as conn:
        conn.execute(
            update(R)
            .where(R.id == report_id)
            .values(
                status="done",
                progress=100,
                stage="done",
                path=path,
                size_bytes=size_bytes,
                rows=rows,
                error=None,
                finished_at=_now(now),
            )
        )


def fail_report(engine: Engine, report_id: int, error: str, now: datetime | None = None) -> None:
    """Mark a report failed with its error (cut to a table-cell size)."""
    if len(error) > _ERROR_MAX:
        error = error[: _ERROR_MAX - 1] + "…"
    with engine.begin() as conn:
        conn.execute(
            update(R).where(R.id == report_id).values(status="failed", error=error, finished_at=_now(now))
        )


def get_report(engine: Engine, report_id: int) -> dict[str, Any] | None:
    """One archive row as a dict, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(R.__table__).where(R.id == report_id)).mappings().first()
    return dict(row) if row else None


def list_reports(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The newest archive rows first, as dicts."""
    with engine.connect() as conn:
        rows = conn.execute(select(R.__table__).order_by(R.created_at.desc(), R.id.desc()).limit(limit))
        return [dict(r) for r in rows.mappings()]
