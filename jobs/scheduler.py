"""The scheduler of the jobs process: which jobs, how often, and the one-scheduler-only lock.

APScheduler 3 BlockingScheduler with explicit job ids, `replace_existing`, `coalesce` (missed
runs collapse into one), `max_instances=1` (a slow sync is never run twice at once) and a misfire
grace of one interval. Only one scheduler may run per database: a second runner would be
harmless for the data (writes are idempotent) but doubles the load on the feed and muddles the
run history, so the process takes a lock first and refuses to start without it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from config import Settings
from store.runs import sync_job_id, try_advisory_lock

log = logging.getLogger("jobs")

LOCK_NAME = "scheduler"


class AlreadyRunning(RuntimeError):
    """Another scheduler holds the lock for this database; the message says where."""


@dataclass(frozen=True)
class JobSpec:
    id: str
    name: str
    func: Callable[..., dict[str, Any]]  # called with should_stop=...
    # None: every `interval_s` of build_scheduler (the sync interval). Jobs with their own rhythm
    # (snapshots every SNAPSHOT_INTERVAL_S, reports on a WIB cron) pass their trigger.
    trigger: BaseTrigger | None = None
    misfire_grace_s: int | None = None  # None: one interval
    run_at_start: bool = True  # cron-like jobs wait for their time


class Runner:
    """Wraps job functions: counts running jobs, passes the stop flag, never lets an error escape."""

    def __init__(self, stop: threading.Event | None = None) -> None:
        self.stop = stop or threading.Event()
        self._busy = 0
        self._cond = threading.Condition()

    def wrap(self, spec: JobSpec) -> Callable[[], None]:
        def run() -> None:
            if self.stop.is_set():
                return
            with self._cond:
                self._busy += 1
            try:
                spec.func(should_stop=self.stop.is_set)
            except Exception:  # the job functions catch their own; this is the last net
                log.exception("%s: job raised", spec.id)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

        run.__name__ = spec.id
        return run

    @property
    def busy(self) -> int:
        with self._cond:
            return self._busy

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no job runs; False when one is still running after `timeout_s`."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout=timeout_s)


def job_specs(
    settings: Settings, engine: Engine, backoff_s: tuple[float, float] = (0.5, 30.0)
) -> list[JobSpec]:
    """The scheduled jobs for these settings: e-Lapor always, Open311 when OPEN311_URL is set, and the
    camera snapshots every SNAPSHOT_INTERVAL_S (a cycle without enabled cameras records no run).

    `backoff_s` is (first, longest) retry wait of the feed clients (doubling, with jitter);
    tests and demos shorten it. It becomes a setting when someone needs to tune it in production.
    """
    first, longest = backoff_s
    from data_sources.elapor import ElaporClient
    from jobs.sync_elapor import sync_elapor, sync_open311

    elapor = ElaporClient(
        settings.elapor_url,
        settings.elapor_token,
        settings.elapor_timeout_s,
        settings.elapor_page_size,
        settings.elapor_max_retries,
        backoff_s=first,
        backoff_max_s=longest,
    )
    specs = [
        JobSpec(
            sync_job_id("elapor"),
            "Sinkronisasi e-Lapor",
            lambda should_stop: sync_elapor(engine, elapor, "elapor", should_stop=should_stop),
        )
    ]
    if settings.open311_url:
        from data_sources.open311 import Open311Client

        open311 = Open311Client(
            settings.open311_url,
            settings.open311_jurisdiction,
            settings.elapor_timeout_s,
            settings.elapor_max_retries,
            backoff_s=first,
            backoff_max_s=longest,
        )
        specs.append(
            JobSpec(
                sync_job_id("open311"),
                "Sinkronisasi Open311",
                lambda should_stop: sync_open311(engine, open311, "open311", should_stop=should_stop),
            )
        )
    from jobs.refresh_snapshots import JOB_ID as SNAPSHOT_JOB_ID
    from jobs.refresh_snapshots import JOB_NAME as SNAPSHOT_JOB_NAME
    from jobs.refresh_snapshots import refresh_snapshots

    specs.append(
        JobSpec(
            SNAPSHOT_JOB_ID,
            SNAPSHOT_JOB_NAME,
            lambda should_stop: refresh_snapshots(engine, settings, should_stop),
            trigger=IntervalTrigger(seconds=settings.snapshot_interval_s, timezone=UTC),
            misfire_grace_s=settings.snapshot_interval_s,
        )
    )
    from jobs.scheduled_reports import SCHEDULES, scheduled_report
    from jobs.scheduled_reports import trigger as report_trigger

    for kind, (job_id, job_name, _, _) in SCHEDULES.items():
        specs.append(
            JobSpec(
                job_id,
                job_name,
                lambda should_stop, kind=kind: scheduled_report(engine, settings, kind, should_stop),
                trigger=report_trigger(kind),
                misfire_grace_s=6 * 3600,  # a scheduler down at 07:00 still writes the report by 13:00
                run_at_start=False,
            )
        )
    return specs


def build_scheduler(
    specs: list[JobSpec], runner: Runner, interval_s: float, run_at_start: bool = True
) -> BlockingScheduler:
    """A BlockingScheduler running each spec on its trigger (default: every `interval_s` s, and once now)."""
    # One worker per job: max_instances=1 already keeps a job from overlapping itself.
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=max(1, len(specs)))}, timezone=UTC
    )
    for spec in specs:
        scheduler.add_job(
            runner.wrap(spec),
            trigger=spec.trigger or IntervalTrigger(seconds=interval_s, timezone=UTC),
            id=spec.id,
            name=spec.name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            # A run that starts late by less than one interval still runs; later than that the
            # next regular run is as good, and coalesce folds the missed ones into it.
            misfire_grace_time=spec.misfire_grace_s or max(1, int(interval_s)),
            **({"next_run_time": datetime.now(UTC)} if run_at_start and spec.run_at_start else {}),
        )
    return scheduler


class SchedulerLock:
    """Exclusive right to run the scheduler for one database; release() or process exit frees it.

    SQLite: an fcntl lock on DATA_DIR/scheduler.lock (the kernel drops it when the process dies,
    even by SIGKILL). PostgreSQL: a session advisory lock, dropped when the connection closes.
    """

    def __init__(self, handle: Any, description: str) -> None:
        self._handle = handle
        self.description = description

    @classmethod
    def acquire(cls, settings: Settings, engine: Engine, wait_s: float = 0.0) -> SchedulerLock:
        """Take the lock or raise AlreadyRunning naming who holds it, after trying for `wait_s`.

        Waiting helps a restart right after a kill: PostgreSQL frees a dead session's lock only
        once it notices the connection is gone.
        """
        deadline = time.monotonic() + wait_s
        while True:
            try:
                return cls._acquire(settings, engine)
            except AlreadyRunning:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(0.2)

    @classmethod
    def _acquire(cls, settings: Settings, engine: Engine) -> SchedulerLock:
        if engine.dialect.name == "postgresql":
            conn = try_advisory_lock(engine, LOCK_NAME)
            url = engine.url.render_as_string(hide_password=True)
            where = f"PostgreSQL advisory lock '{LOCK_NAME}' on {url}"
            if conn is None:
                raise AlreadyRunning(f"another scheduler is already running: it holds the {where}")
            return cls(conn, where)
        return cls._file_lock(Path(settings.data_dir) / "scheduler.lock")

    @classmethod
    def _file_lock(cls, path: Path) -> SchedulerLock:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise AlreadyRunning(
                f"another scheduler is already running: pid {holder} holds the lock file {path}"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        return cls(fh, f"lock file {path}")

    def release(self) -> None:
        """Give the lock back (closing the file or the database connection)."""
        with contextlib.suppress(Exception):
            self._handle.close()
