"""Read-side queries of the data-health page: sources, runs, failures, quarantine, unknowns.

The health of a source is read from its sync job's runs (store.runs names them `sync_<source>`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select, true

from store.models import Agency, Category, Complaint, JobRun, RejectedRecord
from store.runs import SYNC_PREFIX, sync_job_id, sync_sources
from store.vocab import UNKNOWN_CODE

_RUN_COLUMNS = ("id", "job_id", "started_at", "finished_at", "status", "fetched", "inserted",
                "updated", "unchanged", "rejected", "error")  # fmt: skip


def _duration_s(started: datetime | None, finished: datetime | None) -> float | None:
    if started is None or finished is None:
        return None
    return round((finished - started).total_seconds(), 3)


def source_status(
    engine: Engine, now: datetime, interval_min: int, expected: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Per sync source: last success and its lag, last run, whether one runs now, and staleness."""
    sources = sync_sources(engine, expected)
    if not sources:
        return []
    job_ids = [sync_job_id(s) for s in sources]
    ok = JobRun.status == "ok"
    since = now - timedelta(hours=24)
    with engine.connect() as conn:
        agg = {
            r.job_id: r
            for r in conn.execute(
                select(
                    JobRun.job_id,
                    func.max(case((ok, JobRun.finished_at))).label("last_success"),
                    func.count().label("runs"),
                    func.sum(
                        case((and_(JobRun.status == "failed", JobRun.started_at >= since), 1), else_=0)
                    ).label("failures_24h"),
                    func.sum(case((JobRun.status == "running", 1), else_=0)).label("running"),
                )
                .where(JobRun.job_id.in_(job_ids))
                .group_by(JobRun.job_id)
            )
        }
        latest = (
            select(JobRun.job_id, func.max(JobRun.id).label("id"))
            .where(JobRun.job_id.in_(job_ids))
            .group_by(JobRun.job_id)
            .subquery()
        )
        last = {
            r.job_id: r
            for r in conn.execute(
                select(
                    JobRun.job_id, JobRun.started_at, JobRun.finished_at, JobRun.status, JobRun.error
                ).join(latest, JobRun.id == latest.c.id)
            )
        }
    watermarks = _watermarks(engine, sources)
    out = []
    limit = timedelta(minutes=2 * interval_min)
    for source in sources:
        job = sync_job_id(source)
        a, lr = agg.get(job), last.get(job)
        success = a.last_success if a else None
        runs = int(a.runs) if a else 0
        lag = now - success if success else None
        out.append(
            {
                "source": source,
                "job_id": job,
                "last_success": success,
                "lag": lag,
                "runs": runs,
                "running": bool(a and a.running),
                "failures_24h": int(a.failures_24h or 0) if a else 0,
                "last_status": lr.status if lr else None,
                "last_started": lr.started_at if lr else None,
                "last_error": lr.error if lr else None,
                "watermark": watermarks.get(source),
                "stale": (lag is not None and lag > limit) or (success is None and runs > 0),
            }
        )
    return out


def _watermarks(engine: Engine, sources: list[str]) -> dict[str, datetime | None]:
    # sync_state belongs to the ingest side; read it through its own function.
    from store.watermarks import get_watermark

    return {s: get_watermark(engine, s) for s in sources}


def stale_sources(engine: Engine, now: datetime, interval_min: int) -> list[str]:
    """Sources whose last success is older than two intervals, or that never succeeded while runs exist."""
    ok = JobRun.status == "ok"
    with engine.connect() as conn:
        rows = conn.execute(
            select(JobRun.job_id, func.max(case((ok, JobRun.finished_at))).label("last_success"))
            .where(JobRun.job_id.like(f"{SYNC_PREFIX}%"))
            .group_by(JobRun.job_id)
        ).all()
    limit = now - timedelta(minutes=2 * interval_min)
    return sorted(
        r.job_id.removeprefix(SYNC_PREFIX) for r in rows if r.last_success is None or r.last_success < limit
    )


def _runs_frame(rows: list) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(_RUN_COLUMNS))
    frame["duration_s"] = [
        _duration_s(s, f) for s, f in zip(frame["started_at"], frame["finished_at"], strict=True)
    ]
    return frame


def _runs(engine: Engine, where: Any, limit: int) -> pd.DataFrame:
    stmt = select(*[getattr(JobRun, c) for c in _RUN_COLUMNS]).where(where)
    stmt = stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    with engine.connect() as conn:
        return _runs_frame(conn.execute(stmt).all())


def recent_runs(engine: Engine, limit: int = 50, job_id: str | None = None) -> pd.DataFrame:
    """The newest runs (all jobs, or one), newest first, with counts, error and duration in seconds."""
    return _runs(engine, JobRun.job_id == job_id if job_id is not None else true(), limit)


def recent_runs_per_job(engine: Engine, per_job: int = 50) -> pd.DataFrame:
    """The newest `per_job` runs of every job, newest first.

    One list of the newest runs overall would be all snapshot cycles (one a minute) and hide the
    e-Lapor syncs (one in five minutes) and the reports (weekly) that Kominfo came to look at.
    """
    rank = (
        func.row_number()
        .over(partition_by=JobRun.job_id, order_by=(JobRun.started_at.desc(), JobRun.id.desc()))
        .label("rank")
    )
    ranked = select(*[getattr(JobRun, c) for c in _RUN_COLUMNS], rank).subquery()
    stmt = (
        select(*[ranked.c[c] for c in _RUN_COLUMNS])
        .where(ranked.c.rank <= per_job)
        .order_by(ranked.c.started_at.desc(), ranked.c.id.desc())
    )
    with engine.connect() as conn:
        return _runs_frame(conn.execute(stmt).all())


def failures(engine: Engine, limit: int = 20) -> pd.DataFrame:
    """The newest failed runs with their error text, newest first."""
    return _runs(engine, JobRun.status == "failed", limit)


@dataclass(frozen=True)
class RejectedFilter:
    """Which quarantined records to show: exact source and field, free text in reason or id."""

    source: str | None = None
    field: str | None = None
    text: str | None = None

    def condition(self):
        conds = []
        if self.source:
            conds.append(RejectedRecord.source == self.source)
        if self.field:
            conds.append(RejectedRecord.field == self.field)
        needle = (self.text or "").strip().lower()
        if needle:
            # LIKE wildcards typed by the user are matched literally.
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            conds.append(
                or_(
                    func.lower(RejectedRecord.reason).like(pattern, escape="\\"),
                    func.lower(func.coalesce(RejectedRecord.external_id, "")).like(pattern, escape="\\"),
                    func.lower(func.coalesce(RejectedRecord.field, "")).like(pattern, escape="\\"),
                )
            )
        return and_(*conds) if conds else None


_REJ_COLUMNS = ("id", "source", "external_id", "received_at", "field", "reason", "payload", "job_run_id")


def _rejected_select(flt: RejectedFilter):
    stmt = select(*[getattr(RejectedRecord, c) for c in _REJ_COLUMNS])
    cond = flt.condition()
    return stmt if cond is None else stmt.where(cond)


def rejected_page(
    engine: Engine, flt: RejectedFilter = RejectedFilter(), page: int = 1, page_size: int = 50
) -> tuple[pd.DataFrame, int]:
    """One page (1-based) of quarantined records, newest first, payload scrubbed; and the total."""
    page = max(1, page)
    cond = flt.condition()
    count = select(func.count()).select_from(RejectedRecord)
    if cond is not None:
        count = count.where(cond)
    stmt = (
        _rejected_select(flt)
        .order_by(RejectedRecord.received_at.desc(), RejectedRecord.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    with engine.connect() as conn:
        total = conn.execute(count).scalar_one()
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(_REJ_COLUMNS))
    frame["payload"] = [scrub_payload(p) for p in frame["payload"]]
    return frame, int(total)


def rejected_csv(engine: Engine, flt: RejectedFilter = RejectedFilter()) -> str:
    """Every quarantined record matching `flt` as CSV text (times in UTC ISO form), identity removed."""
    stmt = _rejected_select(flt).order_by(RejectedRecord.received_at.desc(), RejectedRecord.id.desc())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_REJ_COLUMNS)
    with engine.connect() as conn:
        for r in conn.execution_options(yield_per=2000).execute(stmt):
            row = dict(r._mapping, payload=scrub_payload(r.payload), received_at=r.received_at.isoformat())
            writer.writerow(["" if row[c] is None else row[c] for c in _REJ_COLUMNS])
    return out.getvalue()


def rejected_choices(engine: Engine) -> dict[str, list[str]]:
    """Distinct sources and fields among quarantined records, for the page's filters."""
    with engine.connect() as conn:
        sources = conn.execute(select(RejectedRecord.source).distinct().order_by(RejectedRecord.source))
        fields = conn.execute(
            select(RejectedRecord.field)
            .where(RejectedRecord.field.isnot(None))
            .distinct()
            .order_by(RejectedRecord.field)
        )
        return {"source": list(sources.scalars()), "field": list(fields.scalars())}


def unknown_counts(engine: Engine) -> pd.DataFrame:
    """Per source: complaints, and how many have an unknown category, agency, kecamatan, kelurahan."""
    unknown_cat = or_(Complaint.category_id.is_(None), Category.code == UNKNOWN_CODE)
    unknown_ag = or_(Complaint.agency_id.is_(None), Agency.code == UNKNOWN_CODE)

    def n(cond):
        return func.sum(case((cond, 1), else_=0))

    stmt = (
        select(
            Complaint.source,
            func.count().label("complaints"),
            n(unknown_cat).label("category"),
            n(unknown_ag).label("agency"),
            n(Complaint.kecamatan_code.is_(None)).label("kecamatan"),
            n(Complaint.kelurahan_code.is_(None)).label("kelurahan"),
        )
        .outerjoin(Category, Category.id == Complaint.category_id)
        .outerjoin(Agency, Agency.id == Complaint.agency_id)
        .group_by(Complaint.source)
        .order_by(Complaint.source)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    cols = ["source", "complaints", "category", "agency", "kecamatan", "kelurahan"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    for c in cols[1:]:
        frame[c] = frame[c].astype("int64")
    return frame


def unrecognised_values(engine: Engine, since: datetime, top: int = 30) -> pd.DataFrame:
    """Values runs since `since` could not map (stored as "tidak diketahui"), most frequent first.

    Read from the runs' detail (validate's counters), so staff see what to add to the editable
    mapping tables: job_id, field, value, count.
    """
    with engine.connect() as conn:
        details = conn.execute(
            select(JobRun.job_id, JobRun.detail).where(JobRun.started_at >= since, JobRun.detail.isnot(None))
        ).all()
    counts: dict[tuple[str, str, str], int] = {}
    for job_id, detail in details:
        for name, values in ((detail or {}).get("unrecognised") or {}).items():
            for value, n in (values or {}).items():
                key = (job_id, name, value)
                counts[key] = counts.get(key, 0) + int(n)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return pd.DataFrame(
        [(j, f, v, n) for (j, f, v), n in rows], columns=["job_id", "field", "value", "count"]
    )


# ------------------------------------------------------------------ identity at export ----

# Keys that name a reporter in any shape we ingest (canonical, e-Lapor, Indonesian file headers).
# Ingest stores payloads scrubbed already; the page and the CSV drop them again because a CSV
# leaves the system, and an older row or a new adapter must not leak through it.
_IDENTITY_KEY = re.compile(
    r"reporter|pelapor|phone|telp|telepon|handphone|\bhp\b|e-?mail|surel|nik|ktp", re.I
)


def _scrub(obj: Any, scrub: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _scrub(v, scrub) for k, v in obj.items() if not _IDENTITY_KEY.search(str(k))}
    if isinstance(obj, list):
        return [_scrub(v, scrub) for v in obj]
    return scrub(obj) if isinstance(obj, str) else obj


def scrub_payload(payload: str | None) -> str | None:
    """A stored payload with identity keys dropped and contact details in text replaced."""
    # The same scrubber as ingest, so that the page and the CSV hide exactly what ingest hides.
    from data_sources.privacy import scrub

    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except (ValueError, TypeError):
        return scrub(str(payload))
    return json.dumps(_scrub(data, scrub), ensure_ascii=False, sort_keys=True, default=str)
