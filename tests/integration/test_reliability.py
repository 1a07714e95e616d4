"""The reliability bar of the e-Lapor ingestion (issue 3), as one test on the configured back end.

The scheduler process (`python -m jobs`) syncs from the simulator while the simulator injects
at least 1,000 faults of every kind: timeouts, HTTP 500, 429 with Retry-After, malformed JSON,
duplicate and out-of-order pages, and records with bad dates, missing or wrongly typed fields,
no id, or not even a JSON object. Half-way through its first sync the scheduler is killed with
SIGKILL and started again. Complaints keep arriving and moving through their lifecycle while
this happens. Afterwards the database holds exactly the simulator's valid records, each once,
each with its latest status and full status history, and every invalid record is in
quarantine with its reason.

Small timeouts and retry waits keep it under two minutes: 0.25 s per call, 5-50 ms backoff.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.elapor_sim import running
from demo.elapor_sim_faults import RECORD_FAULTS, TRANSPORT_FAULTS
from store.models import Complaint
from store.runs import INTERRUPTED
from tests.integration.test_scheduler_process import Scheduler, job_runs, wait_for
from tests.integration.test_sync_job import TOKEN, assert_matches_truth

pytestmark = pytest.mark.slow

# RELIABILITY_MIN_FAULTS=10000 makes it a longer soak (time and simulated days scale with it).
MIN_FAULTS = int(os.environ.get("RELIABILITY_MIN_FAULTS", "1000"))
SCALE = max(1.0, MIN_FAULTS / 1000)
MIN_PER_KIND = int(20 * SCALE)
BUDGET_S = 150.0 * SCALE
# Most requests fail: a failed request is cheap (no page to store), so the faults come fast;
# with 25 retries a page still gets through (a run fails with odds of about 1 in 100,000).
TRANSPORT = {
    "timeout": 0.03,
    "error_500": 0.35,
    "rate_limit": 0.2,
    "malformed": 0.25,
    "duplicate_page": 0.15,
    "out_of_order": 0.15,
    "hang_s": 0.6,  # longer than the client's 0.25 s timeout: each hang is a timeout
    "retry_after": 0.02,
}
RECORDS = {name: 0.02 for name in RECORD_FAULTS}


def _complaints(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Complaint)).scalar_one()


def _injected(stats: dict[str, Any]) -> dict[str, int]:
    return {kind: stats["faults_injected"].get(kind, 0) for kind in TRANSPORT_FAULTS}


def test_sync_survives_1000_faults_and_a_kill_and_ends_with_exactly_the_valid_records(
    tmp_path, db_url, engine
):
    began = time.monotonic()
    # The clock starts 30 days back, so that the test can move it forward the whole time.
    start = datetime.now(UTC) - timedelta(days=30 * SCALE)
    with running(
        complaints=1000,
        seed=2026,
        token=TOKEN,
        start=start,
        days=30,
        horizon_days=int(120 * SCALE),
        faults={**TRANSPORT, **RECORDS},
    ) as (server, url):
        sim = server.sim
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ELAPOR_", "OPEN311_", "SYNC_"))},
            "DATABASE_URL": db_url,
            "DATA_DIR": str(tmp_path / "data"),
            "ELAPOR_URL": url,
            "ELAPOR_TOKEN": TOKEN,
            "ELAPOR_TIMEOUT_S": "0.25",
            "ELAPOR_PAGE_SIZE": "5",
            "ELAPOR_MAX_RETRIES": "25",
            "PYTHONUNBUFFERED": "1",
        }
        args = ("--interval-seconds", "0.5", "--wait-for-lock", "20")
        args += ("--feed-backoff-seconds", "0.005", "--feed-backoff-max-seconds", "0.05")
        logs = tmp_path / "scheduler.log"
        first = Scheduler(env, logs, *args)
        try:
            # Kill it in the middle of its first sync: a run is open and part of it is committed.
            wait_for("a first sync half-way", lambda: _complaints(engine) >= 200, proc=first.proc, log=logs)
            first.proc.send_signal(signal.SIGKILL)
            assert first.proc.wait(timeout=10) == -signal.SIGKILL
            killed = [r for r in job_runs(engine) if r.status == "running"]
            assert len(killed) == 1 and _complaints(engine) < len(sim.truth()["valid"])

            second = Scheduler(env, logs, *args)
            try:
                wait_for("the killed run closed", lambda: job_runs(engine)[0].status == "failed",
                         proc=second.proc, log=logs)  # fmt: skip
                assert job_runs(engine)[0].error == INTERRUPTED

                # Keep the feed moving until enough faults of every kind have been injected.
                def enough() -> bool:
                    counts = _injected(sim.stats())
                    return sum(counts.values()) >= MIN_FAULTS and min(counts.values()) >= MIN_PER_KIND

                last_tick = time.monotonic()
                while not enough():
                    assert second.proc.poll() is None, logs.read_text()[-4000:]
                    assert time.monotonic() - began < BUDGET_S, f"too slow: {_injected(sim.stats())}"
                    if time.monotonic() - last_tick > 0.7:
                        # Arrivals and lifecycle changes during the storm: a few pages a pass,
                        # so that duplicate and out-of-order pages keep happening.
                        sim.tick(8 * 3600)
                        last_tick = time.monotonic()
                    time.sleep(0.1)

                # Calm: no more transport faults and no more changes. A run that starts after
                # this moment and succeeds has seen everything.
                sim.set_faults({"transport": 0.0})
                calm = datetime.now(UTC)
                wait_for("a successful sync after the storm",
                         lambda: [r for r in job_runs(engine) if r.status == "ok" and r.started_at > calm],
                         proc=second.proc, log=logs)  # fmt: skip
                assert second.stop(signal.SIGTERM) == 0, logs.read_text()[-4000:]
            finally:
                if second.proc.poll() is None:
                    second.proc.kill()
        finally:
            if first.proc.poll() is None:
                first.proc.kill()

        stats = sim.stats()
        truth = sim.truth()

    injected = _injected(stats)
    print(f"faults injected: {injected} (total {sum(injected.values())}); records: {stats['records']}")
    assert sum(injected.values()) >= MIN_FAULTS and min(injected.values()) >= MIN_PER_KIND, injected
    by_kind = stats["records"]["by_kind"]
    assert all(by_kind[kind] > 0 for kind in RECORD_FAULTS), by_kind
    assert len(truth["invalid"]) == sum(by_kind[k] for k in RECORD_FAULTS if k != "unknown_kecamatan")
    assert_matches_truth(engine, truth)
    runs = job_runs(engine)
    assert all(r.status != "running" for r in runs)
    assert runs[-1].status == "ok"
    assert time.monotonic() - began < BUDGET_S
