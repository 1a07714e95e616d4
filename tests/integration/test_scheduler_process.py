"""`python -m jobs` as its own process: syncs at start and on its interval, one scheduler only,
clean stop on SIGTERM, runs left by a killed process closed, bad settings refused.

The e-Lapor simulator serves from a thread of the test process; the scheduler reaches it over
loopback HTTP and writes to a database of the configured back end, which the tests poll.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.elapor_sim import running
from jobs.sync_elapor import STOPPED
from store.models import JobRun
from store.runs import INTERRUPTED, start_run
from tests.integration.test_sync_job import TOKEN, assert_matches_truth

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


def wait_for(what: str, check: Callable[[], Any], timeout: float = DEADLINE_S, proc=None, log=None) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(
                f"scheduler exited {proc.returncode} while waiting for {what}:\n{log and log.read_text()}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s:\n{log.read_text()[-4000:] if log else ''}")
        time.sleep(0.1)


def job_runs(engine) -> list[JobRun]:
    with Session(engine) as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.id)))


class Scheduler:
    """A `python -m jobs` child with its output in a file (read by the tests)."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jobs", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def output(self) -> str:
        return self.log.read_text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"the scheduler did not stop within {timeout} s after {signal.Signals(sig).name}")


@pytest.fixture
def sim() -> Iterator[Any]:
    start = datetime.now(UTC) - timedelta(days=5)
    with running(complaints=200, seed=5, token=TOKEN, start=start, days=20) as (server, url):
        server.base_url = url
        yield server


@pytest.fixture
def env(tmp_path, db_url, engine, sim) -> dict[str, str]:
    """Settings for a scheduler child: this test's database, its own DATA_DIR, the simulator."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ELAPOR_", "OPEN311_", "SYNC_"))}
    return {
        **base,
        "DATABASE_URL": db_url,
        "DATA_DIR": str(tmp_path / "data"),
        "ELAPOR_URL": sim.base_url,
        "ELAPOR_TOKEN": TOKEN,
        "ELAPOR_TIMEOUT_S": "2",
        "ELAPOR_PAGE_SIZE": "50",
        "ELAPOR_MAX_RETRIES": "3",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def launch(tmp_path) -> Iterator[Callable[..., Scheduler]]:
    started: list[Scheduler] = []

    def _launch(env: dict[str, str], *args: str) -> Scheduler:
        started.append(Scheduler(env, tmp_path / f"scheduler-{len(started)}.log", *args))
        return started[-1]

    yield _launch
    for s in started:  # a failed test must not leave a scheduler running
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


FAST = ("--interval-seconds", "1", "--feed-backoff-seconds", "0.01")


def ok_runs(engine) -> list[JobRun]:
    return [r for r in job_runs(engine) if r.status == "ok" and r.job_id == "sync_elapor"]


def test_scheduler_syncs_at_start_and_every_interval_logs_a_line_per_run_and_stops_on_sigterm(
    env, engine, sim, launch
):
    sched = launch(env, *FAST)

    wait_for("a successful sync", lambda: ok_runs(engine), proc=sched.proc, log=sched.log)
    assert_matches_truth(engine, sim.sim.truth())
    sim.sim.tick(2 * 86400)
    first = ok_runs(engine)[-1].id
    # A run that started after the tick has seen it.
    wait_for("a sync after the clock moved", lambda: [r for r in ok_runs(engine) if r.id > first + 1],
             proc=sched.proc, log=sched.log)  # fmt: skip
    assert_matches_truth(engine, sim.sim.truth())

    assert sched.stop(signal.SIGTERM) == 0, sched.output
    out = sched.output
    runs = job_runs(engine)
    assert all(r.status != "running" for r in runs)
    finished = [r for r in runs if r.status in ("ok", "failed")]
    lines = [
        line for line in out.splitlines() if " sync_elapor ok: " in line or " sync_elapor failed: " in line
    ]
    assert len(lines) == len(finished), out
    assert "fetched=" in lines[0] and "inserted=" in lines[0] and "pages=" in lines[0]
    assert "SIGTERM received" in out and "scheduler stopped" in out
    assert "Traceback" not in out


def test_a_second_scheduler_on_the_same_database_exits_with_the_lock_message(env, engine, launch):
    first = launch(env, *FAST)
    wait_for("the first scheduler's first run", lambda: ok_runs(engine), proc=first.proc, log=first.log)

    second = launch(env, *FAST)
    code = second.proc.wait(timeout=DEADLINE_S)

    assert code == 3, second.output
    assert "scheduler not started: another scheduler is already running" in second.output
    assert first.proc.poll() is None  # the first one is untouched
    assert first.stop() == 0
    # Once the first has stopped, a new one may start.
    done = len(ok_runs(engine))
    third = launch(env, *FAST)
    wait_for(
        "a run of the new scheduler", lambda: len(ok_runs(engine)) > done, proc=third.proc, log=third.log
    )
    assert third.stop() == 0


def test_a_run_left_running_by_a_killed_process_is_marked_interrupted_at_the_next_start(env, engine, launch):
    orphan = start_run(engine, "sync_elapor", now=datetime.now(UTC) - timedelta(minutes=3))
    other = start_run(engine, "import_file")  # a file import is not the scheduler's to close

    sched = launch(env, *FAST)
    wait_for("a successful sync", lambda: ok_runs(engine), proc=sched.proc, log=sched.log)

    by_id = {r.id: r for r in job_runs(engine)}
    assert (by_id[orphan].status, by_id[orphan].error) == ("failed", INTERRUPTED)
    assert by_id[other].status == "running"
    assert "1 run(s) left running by a stopped process marked failed (interrupted)" in sched.output
    assert sched.stop() == 0


def test_sigterm_while_a_feed_call_hangs_stops_within_the_grace_and_records_the_stop(
    env, engine, sim, launch
):
    sim.sim.set_faults({"timeout": 1.0, "hang_s": 120})
    sched = launch({**env, "ELAPOR_TIMEOUT_S": "60"}, *FAST)
    wait_for("a running sync", lambda: [r for r in job_runs(engine) if r.status == "running"],
             proc=sched.proc, log=sched.log)  # fmt: skip

    started = time.monotonic()
    code = sched.stop(signal.SIGTERM, timeout=30)

    assert code == 0, sched.output
    assert time.monotonic() - started < 15
    (run,) = job_runs(engine)
    assert (run.status, run.error) == ("failed", STOPPED)


def test_once_runs_every_job_and_exits(env, engine, sim, launch):
    sched = launch(env, "--once", "--feed-backoff-seconds", "0.01")
    assert sched.proc.wait(timeout=DEADLINE_S) == 0, sched.output
    assert [r.status for r in job_runs(engine)] == ["ok"]
    assert_matches_truth(engine, sim.sim.truth())


def test_once_exits_1_when_the_feed_fails(env, engine, sim, launch):
    sim.sim.set_faults({"error_500": 1.0})
    sched = launch(env, "--once", "--feed-backoff-seconds", "0.01")
    assert sched.proc.wait(timeout=DEADLINE_S) == 1, sched.output
    (run,) = job_runs(engine)
    assert run.status == "failed" and "HTTP 500" in run.error


@pytest.mark.parametrize(
    ("setting", "value"),
    [("SYNC_INTERVAL_MIN", "0"), ("ELAPOR_URL", "ftp://feed"), ("DATABASE_URL", "mysql://x/y")],
)
def test_a_bad_setting_prints_one_line_and_exits_2(env, launch, setting, value):
    sched = launch({**env, setting: value})
    assert sched.proc.wait(timeout=DEADLINE_S) == 2
    lines = [line for line in sched.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("configuration error: ") and setting in lines[0], lines


def test_an_unmigrated_database_is_refused_with_the_command_to_fix_it(tmp_path, db_url, launch):
    env = {**os.environ, "DATABASE_URL": db_url, "DATA_DIR": str(tmp_path / "data")}
    sched = launch(env)
    assert sched.proc.wait(timeout=DEADLINE_S) == 1
    assert "python -m store.migrate" in sched.output and "Traceback" not in sched.output


def test_the_web_app_never_starts_a_scheduler(env):
    probe = (
        "import sys, app\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('apscheduler', 'jobs')))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_scheduled_jobs_follow_the_settings(engine):
    from apscheduler.schedulers.base import STATE_STOPPED

    from config import load
    from jobs.scheduler import Runner, build_scheduler, job_specs

    plain = load({"ELAPOR_TOKEN": TOKEN, "DATA_DIR": "var"})
    both = load({"ELAPOR_TOKEN": TOKEN, "DATA_DIR": "var", "OPEN311_URL": "http://127.0.0.1:9/open311/v2"})
    reports = ["report_weekly", "report_monthly"]
    assert [s.id for s in job_specs(plain, engine)] == ["sync_elapor", "refresh_snapshots", *reports]
    specs = job_specs(both, engine)
    assert [s.id for s in specs] == ["sync_elapor", "sync_open311", "refresh_snapshots", *reports]

    scheduler = build_scheduler(specs, Runner(), interval_s=300)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert scheduler.state == STATE_STOPPED
    assert set(jobs) == {"sync_elapor", "sync_open311", "refresh_snapshots", *reports}
    for job_id in reports:  # on a WIB cron (tests/integration/test_reports.py)
        assert type(jobs.pop(job_id).trigger).__name__ == "CronTrigger"
    snapshots = jobs.pop("refresh_snapshots")
    assert (snapshots.coalesce, snapshots.max_instances, snapshots.misfire_grace_time) == (True, 1, 60)
    assert snapshots.trigger.interval == timedelta(seconds=plain.snapshot_interval_s) == timedelta(seconds=60)
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 300)
        assert job.trigger.interval == timedelta(minutes=5)


def _import(env: dict[str, str], path: Path, status: Path, *extra: str) -> tuple[int, dict]:
    import json

    result = subprocess.run(
        [sys.executable, "-m", "jobs", "import-file", str(path), "--status", str(status), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.returncode, json.loads(status.read_text())


def test_import_file_writes_its_report_to_the_status_file_and_removes_the_upload(env, engine, tmp_path):
    upload = tmp_path / "u.csv"
    upload.write_text(
        "No. Tiket;Tanggal Laporan;Judul;Isi Laporan;Kategori;Kecamatan;Status;Kanal\n"
        "T-1;03/02/2026 08:15;Lampu mati;Gelap;Penerangan Jalan;Ilir Timur I;Baru;Web\n"
        "T-2;kemarin;Sampah;Bau;Sampah;Kemuning;Baru;Web\n"
    )
    code, status = _import(env, upload, tmp_path / "s.json", "--filename", "ekspor.csv", "--remove")

    assert code == 0 and status["state"] == "done" and status["filename"] == "ekspor.csv"
    report = status["report"]
    assert (report["rows"], report["inserted"], report["rejected"]) == (2, 1, 1)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(3, "Tanggal Laporan")]
    assert status["progress"] == {"rows": 2} and not upload.exists()


def test_import_file_names_a_file_it_cannot_read(env, tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    code, status = _import(env, bad, tmp_path / "s.json")

    assert code == 1 and status["state"] == "failed"
    assert "rusak.xlsx" in status["error"] and bad.exists()  # kept without --remove
