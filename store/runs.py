"""Job runs (write side for jobs), the scheduler's lock and its schema check.

The data-health page reads runs through store/health.py.

A run is one execution of a scheduled job or a file import: it is recorded as "running" when it
starts and finished as "ok" or "failed" with its counts. Sync jobs are named `sync_<source>`, so
the health of a source is read from its job's runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, text, update

from store.models import JobRun

SYNC_PREFIX = "sync_"
INTERRUPTED = "interrupted: the process ended before the run finished"
_ERROR_MAX = 4000  # a traceback-sized error is cut; the page shows it in a table cell


def _now(now: datetime | None = None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def sync_job_id(source: str) -> str:
    """The job id of the scheduled sync of `source` ("elapor" -> "sync_elapor")."""
    return f"{SYNC_PREFIX}{source}"


# ---------------------------------------------------------------- write side (jobs) ----


def start_run(engine: Engine, job_id: str, now: datetime | None = None) -> int:
    """Record that `job_id` started now; returns the run id to finish it with."""
    with engine.begin() as conn:
        return conn.execute(
            insert(JobRun).values(job_id=job_id, started_at=_now(now), status="running").returning(JobRun.id)
        ).scalar_one()


def finish_run(
    engine: Engine,
    run_id: int,
    status: str,
    *,
    fetched: int = 0,
    inserted: int = 0,
    updated: int = 0,
    unchanged: int = 0,
    rejected: int = 0,
    error: str | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> None:
    """Close a running run as "ok" or "failed" with its counts; a run already closed is left alone."""
    if status not in ("ok", "failed"):
        raise ValueError(f"finish_run: status must be 'ok' or 'failed', got {status!r}")
    if error is not None and len(error) > _ERROR_MAX:
        error = error[: _ERROR_MAX - 1] + "…"
    with engine.begin() as conn:
        # Conditional on "running": a run the next scheduler marked interrupted stays failed,
        # and finishing twice cannot overwrite the first outcome.
        conn.execute(
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == "running")
            .values(
                status=status,
                finished_at=_now(now),
                fetched=fetched,
                inserted=inserted,
                updated=updated,
                unchanged=unchanged,
                rejected=rejected,
                error=error,
                detail=detail,
            )
        )


def mark_interrupted(
    engine: Engine, job_ids: Iterable[str], now: datetime | None = None, error: str = INTERRUPTED
) -> int:
    """Mark runs of `job_ids` still "running" as failed (`error`, "interrupted"); returns how many.

    Called by a scheduler that holds the single-scheduler lock: no other process can be running
    those jobs, so a "running" row is one whose process was killed.
    """
    ids = list(job_ids)
    if not ids:
        return 0
    with engine.begin() as conn:
        return conn.execute(
            update(JobRun)
            .where(JobRun.job_id.in_(ids), JobRun.status == "running")
            .values(status="failed", finished_at=_now(now), error=error)
        ).rowcount


def try_advisory_lock(engine: Engine, name: str) -> Connection | None:
    """PostgreSQL: take a session advisory lock named `name` (per schema) on a connection of its own.

    Returns the connection holding the lock (keep it open; closing it releases the lock), or None
    when another session holds it.
    """
    conn = engine.connect()
    try:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        digest = hashlib.sha256(f"lawangjabo:{name}:{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one()
        conn.commit()
    except Exception:
        conn.close()
        raise
    if not got:
        conn.close()
        return None
    return conn


def schema_is_current(engine: Engine) -> bool:
    """True when the database is migrated to the newest Alembic revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from store.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


# ---------------------------------------------------------------- read side (health) ----


def sync_sources(engine: Engine, expected: Iterable[str] = ()) -> list[str]:
    """Sources with a sync job: those that have runs, plus `expected` (configured ones), sorted."""
    with engine.connect() as conn:
        ids = conn.execute(
            select(JobRun.job_id).where(JobRun.job_id.like(f"{SYNC_PREFIX}%")).distinct()
        ).scalars()
        found = {j.removeprefix(SYNC_PREFIX) for j in ids}
    return sorted(found | set(expected))
