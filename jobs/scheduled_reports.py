"""Scheduled city reports: weekly (Monday 07:00 WIB, last week) and monthly (the 1st, 07:00 WIB, last month).

Each run records a job run (`report_weekly` / `report_monthly`), so a failure shows on the
Kesehatan Data page, and claims one archive row per period and format by its schedule key: a
second runner, or the scheduler restarting within the hour, finds the row taken or done and
leaves it, so the archive never holds the same report twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from config import Settings
from reports.generate import generate
from reports.periods import previous_complete
from store.calendar import wib_day
from store.reports_archive import ReportRequest, claim_scheduled
from store.runs import finish_run, start_run

log = logging.getLogger("jobs.reports")

# kind -> (job id, name, period kind, cron fields)
SCHEDULES = {
    "weekly": ("report_weekly", "Laporan mingguan", "week", {"day_of_week": "mon", "hour": 7}),
    "monthly": ("report_monthly", "Laporan bulanan", "month", {"day": 1, "hour": 7}),
}
FORMATS = ("pdf", "xlsx")
LANG = "id"


def schedule_key(kind: str, start, fmt: str, lang: str = LANG) -> str:
    """The archive's unique key of one scheduled report file."""
    return f"{kind}:{start.isoformat()}:{fmt}:{lang}"


def trigger(kind: str) -> CronTrigger:
    """The WIB cron trigger of a schedule ("weekly" or "monthly")."""
    return CronTrigger(**SCHEDULES[kind][3], minute=0, timezone=ZoneInfo("Asia/Jakarta"))


def scheduled_report(
    engine: Engine,
    settings: Settings,
    kind: str,
    should_stop: Callable[[], bool] = lambda: False,
    now: datetime | None = None,
    formats: tuple[str, ...] = FORMATS,
    rerun: bool = False,
) -> dict[str, int]:
    """Write the city report of the last whole week or month; returns counts (made, skipped)."""
    job_id, _, period_kind, _ = SCHEDULES[kind]
    now = now or datetime.now(UTC)
    start, end = previous_complete(period_kind, wib_day(now))
    run_id = start_run(engine, job_id, now=now)
    made = skipped = 0
    try:
        for fmt in formats:
            if should_stop():
                break
            req = ReportRequest(
                fmt=fmt, lang=LANG, period_kind=period_kind, period_start=start, period_end=end, kind=kind
            )
            report_id = claim_scheduled(engine, schedule_key(kind, start, fmt), req, now=now, rerun=rerun)
            if report_id is None:
                skipped += 1
                continue
            generate(engine, settings, report_id, now=now)
            made += 1
    except Exception as exc:
        log.exception("%s: report for %s..%s failed", job_id, start, end)
        finish_run(
            engine,
            run_id,
            "failed",
            inserted=made,
            unchanged=skipped,
            error=f"{type(exc).__name__}: {exc}",
            detail={"period": [start.isoformat(), end.isoformat()]},
        )
        return {"status": "failed", "made": made, "skipped": skipped, "failed": 1}
    finish_run(
        engine,
        run_id,
        "ok",
        inserted=made,
        unchanged=skipped,
        detail={"period": [start.isoformat(), end.isoformat()]},
    )
    # "status" like every job: `python -m jobs --once` exits 1 when a job's status is not "ok".
    return {"status": "ok", "made": made, "skipped": skipped, "failed": 0}
