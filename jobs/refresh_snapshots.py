"""The snapshot job: one capture cycle over the cameras that are due, every SNAPSHOT_INTERVAL_S.

due cameras -> data_sources.capture.capture_many (a bounded process pool; a hung camera costs
its timeout and never delays the others) -> data_sources.camera_health.judge -> frame files
(atomic) -> one transaction of snapshot rows, camera state, checks and uptime -> stale marking
-> retention (history 30 days; snapshots by age and by total size, files deleted after the rows).

A snapshot camera is asked with its last frame's validator (a conditional GET); one that answers
304 has no new frame: it is not judged, its status stays, and mark_stale turns it stale once its
last frame is two intervals old (store/cameras.py).

Recorded in job_run (unless no camera is enabled at all: then nothing runs): fetched = cameras
attempted, inserted = snapshots written, rejected = failed captures, detail = cameras per status
and failure reason, and how many answered with no new frame. Never raises into the scheduler; one
camera's bad frame or unwritable file costs that camera, not the cycle.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from config import Settings
from store import cameras as cam
from store import snapshot_files
from store.runs import finish_run, start_run

log = logging.getLogger("jobs.refresh_snapshots")

JOB_ID = "refresh_snapshots"
JOB_NAME = "Snapshot kamera"
StopCheck = Callable[[], bool]


def _capture_api(capture: Callable | None, judge: Callable | None) -> tuple[Any, Callable, Callable]:
    # Imported per cycle, not at module import: the capture stack (OpenCV, a process pool) loads
    # only in the process that captures.
    if capture is None:
        from data_sources.capture import CaptureTarget, capture_many

        capture = capture_many
    else:
        try:
            from data_sources.capture import CaptureTarget
        except ImportError:  # a caller-supplied capture that does not need the contract's class
            CaptureTarget = _Target
    if judge is None:
        from data_sources.camera_health import judge
    return CaptureTarget, capture, judge


@dataclass(frozen=True)
class _Target:
    """The fields of data_sources.capture.CaptureTarget, for a caller-supplied capture function."""

    camera_id: int
    code: str
    kind: str
    url: str
    headers: dict[str, str] | None = None
    previous_signature: bytes | None = None
    validator: str | None = None


def _started(result: Any) -> datetime:
    started = result.started_at if result.started_at.tzinfo else result.started_at.replace(tzinfo=UTC)
    return started.astimezone(UTC)


def _outcome(result: Any, judgement: Any, frame: dict | None) -> cam.CheckOutcome:
    return cam.CheckOutcome(
        camera_id=result.camera_id,
        at=_started(result),
        status=judgement.status,
        reason=judgement.reason if judgement.status != "online" else None,
        duration_ms=int(result.duration_ms),
        brightness=result.brightness,
        sharpness=result.sharpness,
        difference=result.difference,
        signature=result.signature,
        identical_count=judgement.identical_count,
        frame=frame,
        validator=getattr(result, "validator", None),
    )


def _store_frame(root: Path, code: str, result: Any) -> dict | None:
    if not (result.ok and result.jpeg and result.thumb_jpeg):
        return None
    started = result.started_at if result.started_at.tzinfo else result.started_at.replace(tzinfo=UTC)
    stored = snapshot_files.write_frame(root, code, started, result.jpeg, result.thumb_jpeg)
    return {
        "path": stored.path,
        "thumb_path": stored.thumb_path,
        "bytes": stored.bytes,
        "etag": stored.etag,
        "width": int(result.width or 0),
        "height": int(result.height or 0),
    }


def _record(engine: Engine, outcomes: Sequence[cam.CheckOutcome], interval_s: float) -> list[int]:
    """Write the cycle in one transaction; if that fails, camera by camera. Returns ids not written."""
    try:
        with engine.begin() as conn:
            cam.record_cycle(conn, outcomes, interval_s)
        return []
    except Exception:
        log.exception("%s: writing the cycle failed; retrying camera by camera", JOB_ID)
    failed = []
    for o in outcomes:
        try:
            with engine.begin() as conn:
                cam.record_cycle(conn, [o], interval_s)
        except Exception:
            log.exception("%s: camera %s could not be recorded", JOB_ID, o.camera_id)
            failed.append(o.camera_id)
    return failed


def _retention(engine: Engine, settings: Settings, now: datetime) -> dict[str, int]:
    with engine.begin() as conn:
        checks, days = cam.purge_history(conn, now)
        expired = cam.take_expired_snapshots(
            conn, now, settings.snapshot_retention_days, settings.snapshot_max_mb * 1024 * 1024
        )
    # Rows first, files after the commit: a crash in between leaves unlisted files (harmless),
    # never rows that point at missing files.
    files, freed = snapshot_files.delete_files(settings.snapshot_dir, [p for pair in expired for p in pair])
    snapshot_files.sweep_temp_files(settings.snapshot_dir)
    return {
        "checks_purged": checks,
        "uptime_days_purged": days,
        "snapshots_purged": len(expired),
        "files_deleted": files,
        "bytes_freed": freed,
    }


def refresh_snapshots(
    engine: Engine,
    settings: Settings,
    should_stop: StopCheck = lambda: False,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    capture: Callable | None = None,
    judge: Callable | None = None,
) -> dict[str, Any]:
    """One capture cycle over the due cameras, recorded in job_run; never raises.

    `capture(targets, timeout_s, workers)` defaults to data_sources.capture.capture_many and
    `judge(result, identical_before)` to data_sources.camera_health.judge.
    """
    started = time.monotonic()
    interval = float(settings.snapshot_interval_s)
    try:
        with engine.connect() as conn:
            if cam.enabled_count(conn) == 0:
                # No camera to capture: nothing ran, so no run row every interval.
                return {"run_id": None, "job_id": JOB_ID, "status": "ok", "error": None, "idle": True}
        run_id = start_run(engine, JOB_ID)
    except Exception as exc:  # the database is down: the next cycle tries again
        log.exception("%s: cannot start a cycle", JOB_ID)
        return {"run_id": None, "job_id": JOB_ID, "status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    counts: dict[str, Any] = {"fetched": 0, "inserted": 0, "rejected": 0}
    detail: dict[str, Any] = {}
    status, error = "ok", None
    try:
        CaptureTarget, capture, judge = _capture_api(capture, judge)
        cycle_at = now()
        with engine.connect() as conn:
            due = cam.due_targets(conn, cycle_at, slack_s=interval / 4)
        detail["due"] = len(due)
        if should_stop():
            raise _Stopped
        targets = [
            CaptureTarget(d.camera_id, d.code, d.kind, d.url, d.headers or None, d.signature, d.validator)
            for d in due
        ]
        results = capture(targets, settings.camera_timeout_s, settings.camera_workers) if targets else []
        by_id = {d.camera_id: d for d in due}
        outcomes, statuses, reasons = [], Counter(), Counter()
        unchanged = 0
        for result in results:
            d = by_id[result.camera_id]
            if getattr(result, "not_modified", False):
                # Nothing to judge or store; the camera keeps its status and last frame.
                at, ms = _started(result), int(result.duration_ms)
                outcomes.append(cam.no_new_frame(result.camera_id, at, ms, result.validator))
                unchanged += 1
                continue
            judgement = judge(result, d.identical_count)
            frame = None
            try:
                frame = _store_frame(settings.snapshot_dir, d.code, result)
            except Exception as exc:  # a full disk or a bad folder: the check is still recorded
                log.warning("%s: camera %s: frame not stored (%s)", JOB_ID, d.code, exc)
                reasons["frame_not_stored"] += 1
            outcomes.append(_outcome(result, judgement, frame))
            statuses[judgement.status] += 1
            if not result.ok:
                reasons[result.reason or "error"] += 1
        not_written = _record(engine, outcomes, interval)
        written = [o for o in outcomes if o.camera_id not in set(not_written)]
        if not_written:
            snapshot_files.delete_files(
                settings.snapshot_dir,
                [
                    p
                    for o in outcomes
                    if o.camera_id in set(not_written) and o.frame
                    for p in (o.frame["path"], o.frame["thumb_path"])
                ],
            )
            detail["not_recorded"] = len(not_written)
        with engine.begin() as conn:
            detail["stale"] = cam.mark_stale(conn, now(), interval)
        counts["fetched"] = len(results)
        counts["inserted"] = sum(1 for o in written if o.frame is not None)
        counts["rejected"] = sum(1 for r in results if not r.ok)
        detail["status"], detail["reasons"] = dict(statuses), dict(reasons)
        detail["no_new_frame"] = unchanged
        detail.update(_retention(engine, settings, now()))
        if not_written:
            status, error = "failed", f"{len(not_written)} camera(s) could not be recorded (see the log)"
    except _Stopped:
        error = None
        detail["stopped"] = True
    except Exception as exc:
        log.exception("%s: cycle failed", JOB_ID)
        status, error = (
            "failed",
            f"{type(exc).__name__}: {str(exc).splitlines()[0][:500] if str(exc) else ''}",
        )
    detail["duration_s"] = round(time.monotonic() - started, 3)
    try:
        finish_run(
            engine,
            run_id,
            status,
            fetched=counts["fetched"],
            inserted=counts["inserted"],
            rejected=counts["rejected"],
            error=error,
            detail=detail,
        )
    except Exception:
        log.exception("%s: could not record the end of run %s", JOB_ID, run_id)
    log.info("%s: %s %s %s", JOB_ID, status, counts, detail.get("status"))
    return {"run_id": run_id, "job_id": JOB_ID, "status": status, "error": error, **counts, "detail": detail}


class _Stopped(Exception):
    """The scheduler is shutting down: end the cycle before capturing."""
