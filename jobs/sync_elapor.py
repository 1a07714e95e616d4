"""Sync jobs of the complaint feeds: e-Lapor (incremental by watermark) and Open311 (by windows).

Plain functions that the scheduler calls and tests call directly. Each run is recorded in
job_run; a feed failure or any unexpected error ends the run as failed with the error written
down, keeping everything committed before it, and never raises into the scheduler. Writes are
idempotent upserts, so a second runner, a retried page or a re-delivered page is harmless.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from data_sources.http import FeedError
from data_sources.records import ComplaintRecord, Rejection, gc_paused
from data_sources.validate import NormalizeContext, validate
from store.ingest import load_normalize_context, write_batch
from store.runs import finish_run, start_run, sync_job_id
from store.watermarks import advance_watermark, get_watermark

log = logging.getLogger("jobs.sync")

StopCheck = Callable[[], bool]
STOPPED = "stopped: the scheduler was shutting down (resumes from the watermark at the next run)"


@dataclass
class Counts:
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    pages: int = 0
    events: int = 0  # status events newly written


def commit_batch(
    engine: Engine,
    source: str,
    ctx: NormalizeContext,
    items: Iterable[dict[str, Any]],
    rejected: Iterable[Rejection],
    run_id: int | None,
    counts: Counts,
) -> None:
    """Validate `items`; upsert the valid ones and quarantine the rest (with `rejected`) in ONE
    transaction, so a batch is in or out whole; add to `counts`. A record delivered twice in the
    batch counts once as unchanged."""
    records: list[ComplaintRecord] = []
    rejections = list(rejected)
    fetched = len(rejections)
    with gc_paused():
        for raw in items:
            fetched += 1
            result = validate(raw, source, ctx)
            if isinstance(result, Rejection):
                rejections.append(result)
            else:
                records.append(result)
        res, _stored = write_batch(engine, records, rejections, job_run_id=run_id)
    counts.inserted += res.inserted
    counts.updated += res.updated
    counts.unchanged += res.unchanged
    counts.events += res.events
    counts.fetched += fetched
    counts.rejected += len(rejections)
    counts.pages += 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


class _Run:
    """Book-keeping shared by the sync jobs: start, finish, the one log line, the result dict."""

    def __init__(self, engine: Engine, source: str, client: Any = None) -> None:
        self.engine = engine
        self.client = client
        stats = getattr(client, "stats", None)
        self.http_before = dict(stats) if isinstance(stats, dict) else None
        self.source = source
        self.job_id = sync_job_id(source)
        self.counts = Counts()
        self.detail: dict[str, Any] = {}
        self.ctx: NormalizeContext | None = None  # its counters of unknown values go in the detail
        self.started = time.monotonic()
        self.run_id = start_run(engine, self.job_id)

    def finish(self, status: str, error: str | None) -> dict[str, Any]:
        duration = round(time.monotonic() - self.started, 3)
        c = self.counts
        detail = {**self.detail, "pages": c.pages, "events": c.events, "duration_s": duration}
        if self.ctx is not None:
            detail.update(self.ctx.take_counts())
        if (http := _http_delta(self.client, self.http_before)) is not None:
            detail["http"] = http
        try:
            finish_run(
                self.engine,
                self.run_id,
                status,
                fetched=c.fetched,
                inserted=c.inserted,
                updated=c.updated,
                unchanged=c.unchanged,
                rejected=c.rejected,
                error=error,
                detail=detail,
            )
        except Exception:  # the database itself is down: the log keeps the outcome
            log.exception("%s: could not record the end of run %s", self.job_id, self.run_id)
        result = {
            "run_id": self.run_id,
            "job_id": self.job_id,
            "status": status,
            "error": error,
            "duration_s": duration,
            **asdict(c),
            "detail": detail,
        }
        log.info(summary_line(result))
        return result


def summary_line(result: dict[str, Any]) -> str:
    """The one log line of a run: job, outcome, counts, duration, error."""
    counts = " ".join(
        f"{k}={result.get(k, 0)}" for k in ("fetched", "inserted", "updated", "unchanged", "rejected")
    )
    line = f"{result['job_id']} {result['status']}: {counts} pages={result.get('pages', 0)}"
    line += f" in {result['duration_s']:.2f}s"
    http = (result.get("detail") or {}).get("http")
    if http:
        line += f" requests={http['requests']} retries={http['retries']}"
    if result.get("error"):
        line += f" error={result['error']}"
    return line


def _failed_to_start(job_id: str, exc: Exception, started: float) -> dict[str, Any]:
    log.exception("%s: could not start (database unavailable?)", job_id)
    return {
        "run_id": None,
        "job_id": job_id,
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}",
        "duration_s": round(time.monotonic() - started, 3),
        **asdict(Counts()),
        "detail": {},
    }


def _error_text(exc: Exception) -> str:
    if isinstance(exc, FeedError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc}"


def _http_delta(client: Any, before: dict[str, Any] | None) -> dict[str, Any] | None:
    # A client lives as long as the scheduler: its counters are cumulative, a run wants its own.
    after = getattr(client, "stats", None)
    if not isinstance(after, dict) or before is None:
        return None
    keys = ("requests", "retries", "rate_limited", "waited_s")
    out: dict[str, Any] = {k: round(after.get(k, 0) - before.get(k, 0), 3) for k in keys}
    causes = {
        k: n - before.get("causes", {}).get(k, 0)
        for k, n in after.get("causes", {}).items()
        if n - before.get("causes", {}).get(k, 0)
    }
    if causes:
        out["causes"] = causes
    return out


def sync_elapor(
    engine: Engine, client: Any, source: str = "elapor", should_stop: StopCheck | None = None
) -> dict[str, Any]:
    """Fetch e-Lapor pages changed since the watermark, upsert/quarantine each, advance the watermark.

    The watermark moves only to what the client marks safe (`page.max_updated_at`: the end of a
    pass, or each page of a feed trusted to page in order) and only after that page is
    committed, so a run that dies anywhere resumes without a gap. Returns counts and outcome.
    """
    started = time.monotonic()
    try:
        run = _Run(engine, source, client)
    except Exception as exc:
        return _failed_to_start(sync_job_id(source), exc, started)
    try:
        ctx = run.ctx = load_normalize_context(engine)
        watermark = get_watermark(engine, source)
        run.detail["watermark_from"] = _iso(watermark)
        pages = client.iter_pages(watermark)
        while True:
            # The collector sleeps from fetching a page until its objects are gone (see
            # gc_paused): woken between fetch and commit, it scanned the page's million
            # objects, ~15% of the time spent reading a page.
            with gc_paused():
                page = next(pages, None)
                if page is None:
                    break
                commit_batch(engine, source, ctx, page.items, page.rejected, run.run_id, run.counts)
                if page.max_updated_at is not None:
                    advance_watermark(engine, source, page.max_updated_at)
                    run.detail["watermark_to"] = _iso(page.max_updated_at)
                del page
            if should_stop is not None and should_stop():
                return run.finish("failed", STOPPED)
    except Exception as exc:
        if not isinstance(exc, FeedError):
            log.exception("%s: unexpected error", run.job_id)
        return run.finish("failed", _error_text(exc))
    return run.finish("ok", None)


def sync_open311(
    engine: Engine,
    client: Any,
    source: str = "open311",
    *,
    now: datetime | None = None,
    lookback_days: int = 90,
    initial_days: int = 365,
    should_stop: StopCheck | None = None,
) -> dict[str, Any]:
    """Fetch Open311 requests created in the look-back window (from the watermark if older) and upsert them.

    GeoReport v2 filters by creation time only, so status changes of older requests are seen by
    re-reading a trailing window each run; unchanged requests are counted, not rewritten. The
    watermark (the end of the last fully read range) moves only when the whole run succeeded.
    """
    started = time.monotonic()
    try:
        run = _Run(engine, source, client)
    except Exception as exc:
        return _failed_to_start(sync_job_id(source), exc, started)
    end = now or datetime.now(UTC)
    try:
        ctx = run.ctx = load_normalize_context(engine)
        watermark = get_watermark(engine, source)
        begin = end - timedelta(days=initial_days)
        if watermark is not None:
            begin = min(watermark, end - timedelta(days=lookback_days))
        run.detail.update(window_start=_iso(begin), window_end=_iso(end))
        batches = client.iter_requests(begin, end)
        while True:
            with gc_paused():  # as in sync_elapor
                batch = next(batches, None)
                if batch is None:
                    break
                commit_batch(engine, source, ctx, batch, (), run.run_id, run.counts)
                del batch
            if should_stop is not None and should_stop():
                return run.finish("failed", STOPPED)
        advance_watermark(engine, source, end)
    except Exception as exc:
        if not isinstance(exc, FeedError):
            log.exception("%s: unexpected error", run.job_id)
        return run.finish("failed", _error_text(exc))
    return run.finish("ok", None)
