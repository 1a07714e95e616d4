"""The jobs process: `python -m jobs` runs the scheduler until SIGTERM or Ctrl-C.

    python -m jobs                       scheduler: every job now, then every SYNC_INTERVAL_MIN
    python -m jobs --once                each interval job once (reports wait for their day), then exit
    python -m jobs --interval-seconds 5  a shorter interval (tests, demos)
    python -m jobs import-file PATH --status STATUS.json
                                         import one file, writing progress and the report to
                                         STATUS.json (what the data-health page's upload runs)

Exit codes: 0 stopped cleanly, 1 a job or the database failed, 2 a bad setting, 3 another
scheduler already runs for this database.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time

EXIT_LOCKED = 3
# The launcher kills whatever is left 10 s after SIGTERM; finish (and record) before that.
STOP_GRACE_S = 7.0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs", description="Lawang Jabo jobs process")
    parser.add_argument("--once", action="store_true", help="run every job once, then exit")
    parser.add_argument(
        "--interval-seconds",
        type=float,
        default=None,
        help="seconds between runs (default: SYNC_INTERVAL_MIN minutes)",
    )
    parser.add_argument(
        "--feed-backoff-seconds",
        type=float,
        default=0.5,
        help="first wait before retrying a failed feed call (doubles each retry; default 0.5)",
    )
    parser.add_argument(
        "--feed-backoff-max-seconds",
        type=float,
        default=30.0,
        help="longest wait between two retries of a feed call (default 30)",
    )
    parser.add_argument(
        "--wait-for-lock",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="keep trying this long when another scheduler holds the lock (default: give up at once)",
    )
    sub = parser.add_subparsers(dest="command")
    imp = sub.add_parser("import-file", help="import one CSV/XLSX file, reporting into a status file")
    imp.add_argument("path")
    imp.add_argument("--status", required=True, help="JSON file to write progress and the report to")
    imp.add_argument("--filename", default=None, help="the file's original name, for the report")
    imp.add_argument("--source", default=None, help="source name of the imported complaints")
    imp.add_argument("--remove", action="store_true", help="delete the file once imported")
    args = parser.parse_args(argv)
    if args.interval_seconds is not None and args.interval_seconds <= 0:
        parser.error("--interval-seconds must be above 0")
    if args.feed_backoff_seconds < 0 or args.feed_backoff_max_seconds < args.feed_backoff_seconds:
        parser.error("--feed-backoff-seconds must be 0 or more, and at most --feed-backoff-max-seconds")
    return args


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Our own line per run says what happened; APScheduler's "Running job"/"executed" pairs
    # would triple the log without adding anything.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # the schema check at start


class _Stop:
    """SIGTERM/SIGINT handling from the first moment: a signal during start-up ends the process
    cleanly before it schedules anything; once the scheduler runs, it is shut down."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.scheduler = None
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self.event.is_set():
            return
        logging.getLogger("jobs").info(
            "%s received: stopping after the current page", signal.Signals(signum).name
        )
        self.event.set()
        if self.scheduler is not None:
            # shutdown() takes the scheduler's locks, which the interrupted main thread may hold.
            threading.Thread(target=self._shutdown, daemon=True).start()

    def _shutdown(self) -> None:
        scheduler = self.scheduler
        # A signal between "scheduler built" and "scheduler started" waits for the start.
        deadline = time.monotonic() + 10
        while not scheduler.running and time.monotonic() < deadline:
            time.sleep(0.01)
        with contextlib.suppress(Exception):  # already stopped: nothing left to do
            scheduler.shutdown(wait=False)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    stop = _Stop() if args.command is None else None
    from config import ConfigError, load

    try:
        settings = load()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    _logging()
    if args.command == "import-file":
        return run_import(settings, args.path, args.status, args.filename, args.source, args.remove)
    interval_s = args.interval_seconds or settings.sync_interval_min * 60.0
    return run_scheduler(
        settings,
        interval_s,
        stop,
        once=args.once,
        backoff_s=(args.feed_backoff_seconds, args.feed_backoff_max_seconds),
        lock_wait_s=max(0.0, args.wait_for_lock),
    )


def run_scheduler(
    settings,
    interval_s: float,
    stop: _Stop,
    once: bool = False,
    backoff_s: tuple[float, float] = (0.5, 30.0),
    lock_wait_s: float = 0.0,
) -> int:
    """Take the lock, close runs a killed process left open, then schedule the jobs until a signal."""
    from sqlalchemy.exc import OperationalError

    from jobs.scheduler import AlreadyRunning, Runner, SchedulerLock, build_scheduler, job_specs
    from store.db import make_engine
    from store.runs import mark_interrupted, schema_is_current, sync_job_id, sync_sources

    log = logging.getLogger("jobs")
    engine = make_engine(settings.database_url)
    try:
        if not schema_is_current(engine):
            print(
                "database error: the database is not at the current schema; run `python -m store.migrate`",
                file=sys.stderr,
            )
            return 1
        lock = SchedulerLock.acquire(settings, engine, wait_s=lock_wait_s)
    except OperationalError as exc:
        print(f"database error: {str(exc.orig).strip().splitlines()[0]}", file=sys.stderr)
        engine.dispose()
        return 1
    except AlreadyRunning as exc:
        print(f"scheduler not started: {exc}", file=sys.stderr)
        engine.dispose()
        return EXIT_LOCKED
    try:
        specs = job_specs(settings, engine, backoff_s=backoff_s)
        known = {s.id for s in specs} | {sync_job_id(s) for s in sync_sources(engine)}
        if closed := mark_interrupted(engine, sorted(known)):
            log.warning("%d run(s) left running by a stopped process marked failed (interrupted)", closed)
        runner = Runner(stop.event)
        if once:
            # Jobs on a calendar (the weekly and monthly reports) wait for their time, --once or not.
            due = [spec for spec in specs if spec.run_at_start]
            failed = sum(spec.func(should_stop=runner.stop.is_set).get("status") != "ok" for spec in due)
            return 1 if failed else 0
        if stop.event.is_set():
            log.info("stopped before the first run")
            return 0
        stop.scheduler = build_scheduler(specs, runner, interval_s)
        log.info(
            "scheduler started (pid %d, %s): %s",
            os.getpid(),
            lock.description,
            "; ".join(f"{s.id} {s.trigger or f'every {interval_s:g} s'}" for s in specs),
        )
        stop.scheduler.start()  # blocks until a signal shuts it down
        if not runner.wait_idle(STOP_GRACE_S):
            from jobs.sync_elapor import STOPPED

            mark_interrupted(engine, sorted(known), error=STOPPED)
            log.warning("a job was still running after %g s; its run is marked stopped", STOP_GRACE_S)
            logging.shutdown()
            # The job thread is blocked in a feed call; every page it committed is safe and the
            # next start resumes from the watermark, so leaving without it loses nothing.
            os._exit(0)
        log.info("scheduler stopped")
        return 0
    finally:
        lock.release()
        engine.dispose()


def _write_status(path: str, status: dict) -> None:
    # Written to a temporary name and renamed: the page polling this file never reads half of it.
    import json

    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(status, fh, ensure_ascii=False, default=str)
    os.replace(tmp, path)


def _report_dict(report) -> dict:
    import dataclasses

    if hasattr(report, "to_dict"):
        return report.to_dict()
    if dataclasses.is_dataclass(report):
        return dataclasses.asdict(report)
    return dict(report)


def run_import(
    settings, path: str, status_path: str, filename: str | None, source: str | None, remove: bool = False
) -> int:
    """Import one file with jobs.import_file, keeping `status_path` (JSON) up to date for the page."""
    from datetime import UTC, datetime

    from data_sources.files import FileReadError
    from jobs.import_file import ImportFailed, import_file
    from store.db import make_engine

    status = {
        "state": "running",
        "pid": os.getpid(),
        "filename": filename or os.path.basename(path),
        "started_at": datetime.now(UTC).isoformat(),
        "progress": {"rows": 0},
        "report": None,
        "error": None,
    }
    _write_status(status_path, status)

    def progress(rows: int) -> None:
        status["progress"] = {"rows": rows}
        _write_status(status_path, status)

    engine = make_engine(settings.database_url)
    code = 1
    try:
        kwargs = {"source": source} if source else {}
        report = import_file(engine, path, status["filename"], progress=progress, **kwargs)
        status.update(state="done", report=_report_dict(report))
        code = 0
    except (FileReadError, ValueError) as exc:  # the file itself: the page names the problem
        status.update(state="failed", error=str(exc))
    except ImportFailed as exc:
        status.update(state="failed", error=str(exc), report=_report_dict(exc.report))
    except Exception as exc:  # the page shows the reason; the traceback goes to the log
        logging.getLogger("jobs").exception("import of %s failed", path)
        status.update(state="failed", error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    finally:
        engine.dispose()
        if remove:
            # An export names its reporters: the upload is not kept once its rows are in.
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
    status["finished_at"] = datetime.now(UTC).isoformat()
    _write_status(status_path, status)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
